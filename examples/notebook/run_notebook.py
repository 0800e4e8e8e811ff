#!/usr/bin/env python3
"""Runs a notebook's code cells in order, in one namespace, as CI does.

    python3 examples/notebook/run_notebook.py [NOTEBOOK]

NOTEBOOK defaults to dementia-extract.ipynb beside this script. Like Jupyter, the cells run
with the notebook's folder as the working directory. Each cell's number is printed before
it runs; the first cell that raises stops the run, and the exit status is 1 with the cell
number in the last line. Only the standard library is needed: no Jupyter, no kernel.
"""
import argparse
import json
import linecache
import os
import sys
import time
import traceback
from pathlib import Path

DEFAULT_NOTEBOOK = Path(__file__).resolve().parent / 'dementia-extract.ipynb'


def code_cells(notebook):
    """(cell number among code cells, source) for each non-empty code cell, in order."""
    cells = [cell for cell in notebook.get('cells', []) if cell.get('cell_type') == 'code']
    for number, cell in enumerate(cells, start=1):
        source = cell.get('source', '')
        source = ''.join(source) if isinstance(source, list) else source
        if source.strip():
            yield number, source


def magic_line(source):
    """The first IPython-only line (%magic or !shell), which plain Python cannot run."""
    for line in source.splitlines():
        if line.lstrip().startswith(('%', '!')):
            return line.strip()
    return None


def run(path):
    notebook = json.loads(path.read_text(encoding='utf-8'))
    if notebook.get('nbformat') != 4:
        print(f'{path}: expected an nbformat 4 notebook, got nbformat '
              f"{notebook.get('nbformat')!r}", file=sys.stderr)
        return 2
    os.chdir(path.parent)
    namespace = {'__name__': '__main__'}
    cells = list(code_cells(notebook))
    started = time.monotonic()

    for number, source in cells:
        print(f'\n=== cell {number} ===', flush=True)
        magic = magic_line(source)
        if magic:
            print(f'FAILED in cell {number}: not Python but IPython: {magic}', file=sys.stderr)
            return 1
        # Registered so that a traceback shows the cell's own lines.
        filename = f'<{path.name} cell {number}>'
        linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
        cell_started = time.monotonic()
        try:
            exec(compile(source, filename, 'exec'), namespace)
        except BaseException:  # SystemExit and KeyboardInterrupt fail the cell too
            sys.stdout.flush()
            traceback.print_exc()
            print(f'FAILED in cell {number} of {len(cells)} '
                  f'({time.monotonic() - cell_started:.1f} s)', file=sys.stderr)
            return 1
        sys.stdout.flush()
        print(f'--- cell {number} ok ({time.monotonic() - cell_started:.1f} s)', flush=True)

    print(f'\nall {len(cells)} code cells ran in {time.monotonic() - started:.1f} s')
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('notebook', nargs='?', default=str(DEFAULT_NOTEBOOK))
    args = parser.parse_args()
    return run(Path(args.notebook).resolve())


if __name__ == '__main__':
    sys.exit(main())
