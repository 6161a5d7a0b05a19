"""Run @factorkit/tooling's linprog.py on many problem folders in one python process.

Usage: python3 linprog_many.py LINPROG_PY PARENT COUNT REPEATS. PARENT holds the folders 0 … COUNT-1,
each in the raw format linprog.py reads. linprog.py runs unchanged on each folder (its imports are
paid once) and only its linprog calls are timed; prints a JSON list of its outputs, in order.
"""
import contextlib
import io
import json
import runpy
import sys

script, parent, count, repeats = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
results = []
for k in range(count):
    sys.argv = [script, f"{parent}/{k}", repeats]
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        runpy.run_path(script, run_name="__main__")
    results.append(json.loads(out.getvalue()))
print(json.dumps(results))
