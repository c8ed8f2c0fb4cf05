"""Tools for instructors, not lecture material: re-execute notebooks, write slides and students' copies.

Their console scripts: ``course-execute``, ``course-slides``, ``course-student-copies``.
"""
