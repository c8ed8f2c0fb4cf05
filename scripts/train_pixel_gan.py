"""Train the MNIST digit GAN that ``course_utils.gans.pixel_generator()`` loads.

    python scripts/train_pixel_gan.py                      # writes data/pixel_generator.pt
    python scripts/train_pixel_gan.py --steps 2000 --out /tmp/pixel_generator.pt

A plain fully connected GAN in pixel space (``course_utils.gans.PixelGenerator`` and
``PixelDiscriminator``), trained on the 3,500 training digits of notebook 07: the same
seeded split of ``mnist_5k()``, so the GAN never sees the notebook's validation and
test digits. Pixels are scaled to [-1, 1], the range of G's tanh.

Each step is one discriminator step, then one generator step (batch 64, Adam with
lr 2e-4 and betas (0.5, 0.999)):

* D learns to score real digits 1 and generated ones 0, with two small aids against a
  D that wins too easily: real targets of 0.9 instead of 1 (one-sided label smoothing)
  and dropout in D;
* G learns to make D score its digits 1: the non-saturating loss -log D(G(z)).

Seeded and on one thread, so a run on the same machine gives the same weights. It
trains in float32 (twice as fast as float64 here); the file holds the generator's
configuration and its weights rounded to float16 (``autoencoders.save_model``; 3 MB
instead of 6, and no sample moves by more than about 0.001 of a grey level), read back with
``torch.load(weights_only=True)``. At the end it checks the result as notebook 07
does: the share of 500 samples that notebook 07's classifier reads with p >= 0.9.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from course_utils import autoencoders
from course_utils.data import DATA_DIR, mnist_5k
from course_utils.gans import PIXEL_GENERATOR_FILE, PixelDiscriminator, PixelGenerator


def training_digits() -> tuple[np.ndarray, np.ndarray]:
    """Notebook 07's 3,500 training digits and labels: ``setup(seed=0)`` returns ``default_rng(0)``."""
    images, labels = mnist_5k()
    order = np.random.default_rng(0).permutation(len(images))  # notebook 07: rng.permutation(...)
    train = order[:3500]
    return images[train], labels[train]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--steps", type=int, default=20_000, help="generator steps (default 20000)")
    parser.add_argument("--out", type=Path, default=DATA_DIR / PIXEL_GENERATOR_FILE,
                        help="where to write the generator (default data/pixel_generator.pt)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--lr", type=float, default=2e-4)
    parser.add_argument("--g-hidden", type=int, nargs="+", default=[256, 512, 1024],
                        help="G's hidden widths (default 256 512 1024)")
    parser.add_argument("--d-hidden", type=int, nargs="+", default=[1024, 512, 256],
                        help="D's hidden widths (default 1024 512 256)")
    parser.add_argument("--print-every", type=int, default=1000)
    parser.add_argument("--no-check", action="store_true", help="skip the classifier check at the end")
    args = parser.parse_args(argv)

    torch.manual_seed(args.seed)
    torch.set_num_threads(1)
    images, labels = training_digits()
    x = (autoencoders.as_pixels(images) * 2 - 1).float()  # pixels in [-1, 1], like G's tanh

    G = PixelGenerator(hidden=args.g_hidden, seed=args.seed).float()
    D = PixelDiscriminator(hidden=args.d_hidden, seed=args.seed + 1).float()
    opt_g = torch.optim.Adam(G.parameters(), lr=args.lr, betas=(0.5, 0.999))
    opt_d = torch.optim.Adam(D.parameters(), lr=args.lr, betas=(0.5, 0.999))
    m, n_noise = args.batch_size, G.config["n_noise"]
    real_target, fake_target, g_target = torch.full((m,), 0.9), torch.zeros(m), torch.ones(m)

    start = time.perf_counter()
    for step in range(1, args.steps + 1):
        # D step: real digits -> 0.9, generated digits -> 0 (G is held fixed: detach)
        real = x[torch.randint(len(x), (m,))]
        fake = G(torch.randn(m, n_noise)).detach()
        d_loss = (F.binary_cross_entropy_with_logits(D(real), real_target)
                  + F.binary_cross_entropy_with_logits(D(fake), fake_target))
        opt_d.zero_grad()
        d_loss.backward()
        opt_d.step()

        # G step: make D score new generated digits as real, -log D(G(z))
        g_loss = F.binary_cross_entropy_with_logits(D(G(torch.randn(m, n_noise))), g_target)
        opt_g.zero_grad()
        g_loss.backward()
        opt_g.step()

        if step % args.print_every == 0 or step == args.steps:
            print(f"step {step}/{args.steps}: D loss {d_loss.item():.3f}, G loss {g_loss.item():.3f}, "
                  f"{time.perf_counter() - start:.0f} s", flush=True)

    args.out.parent.mkdir(parents=True, exist_ok=True)
    G = G.half().eval()  # float16 on disk: half the size; pixel_generator() computes in float64
    autoencoders.save_model(G, args.out)
    print(f"wrote {args.out} ({args.out.stat().st_size / 1e6:.1f} MB) after "
          f"{time.perf_counter() - start:.0f} s")

    if args.no_check:
        return
    # The check of notebook 07: its classifier, on 500 samples drawn as pixel_generator() draws them.
    classifier = autoencoders.DigitClassifier(hidden=128)
    autoencoders.train_classifier(classifier, images, labels, epochs=20, print_every=0)
    read, sure = classifier.predict(G.to(autoencoders.DTYPE).sample(500, seed=0))
    print(f"500 samples: the classifier reads {np.mean(sure >= 0.9):.1%} with p >= 0.9; "
          f"digits read so: {np.bincount(read[sure >= 0.9], minlength=10).tolist()}")


if __name__ == "__main__":
    main()
