"""Safe autograding for the course: the sandbox, the guard, the tamper scan (see tools/grade.py)."""
