"""nbgrader configuration for grading the course.

Copy this file into your nbgrader course directory, next to source/ (the
command ``python tools/build_student.py --course-dir DIR`` does it for you,
together with source/ and release/), then run every ``nbgrader`` command from
that directory. Each notebook of the series is one assignment named after its
file: notebooks/03_batched_linear_layer.ipynb becomes the assignment
03_batched_linear_layer holding the notebook 03_batched_linear_layer.ipynb.
"""

c = get_config()  # noqa: F821 -- nbgrader defines get_config() when it loads this file

# The name of the course in the gradebook and in the exchange. On a JupyterHub
# the learners' configuration must use the same name (see the README).
c.CourseDirectory.course_id = "backprop-linear-layers"

# Time limit for one cell while autograding, in seconds. Notebook 07 trains a
# small network for a few seconds; 120 s leaves room on a busy shared server.
# A cell that runs longer (say, a learner's endless loop) is interrupted and
# counts as an error; grading then goes on with the next cell, so the other
# exercises of that notebook are still graded.
c.Execute.timeout = 120
c.Execute.interrupt_on_timeout = True

# What a learner sees in place of each solution (nbgrader's default, stated
# here because the tests of the course check for it).
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}

# Test cells are locked: at autograding, nbgrader puts back the instructor's
# version of every test cell (hidden tests included), whatever a learner did
# to it. A test cell a learner deleted scores 0 and is flagged "needs manual
# grading" in the formgrader. OverwriteCells.add_missing_cells stays off: in
# nbgrader 0.9.6 it aborts the grading of a whole notebook when a learner
# deleted both cells (solution and tests) of one exercise.
c.OverwriteCells.add_missing_cells = False

# Where release_assignment, fetch_assignment, submit and collect exchange
# files: a directory every user of the machine (or hub) can read and write.
# The default is /srv/nbgrader/exchange; uncomment to use another one.
# c.Exchange.root = "/srv/nbgrader/exchange"
