"""README.md's Python examples run as written, from a fresh working directory, and print the numbers their
comments state (each ``print(...)  # a b ...`` line: the printed numbers against the comment's, to the digits
given, ~4 significant)."""

import contextlib
import io
import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[2] / "README.md"
NUMBER = re.compile(r"[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?")


def python_blocks(section: str) -> list[str]:
    """The ```python blocks of a README section (## heading)."""
    text = README.read_text()
    start = text.index(f"\n## {section}\n")
    end = text.find("\n## ", start + 1)
    return re.findall(r"```python\n(.*?)```", text[start:end], flags=re.S)


def expected_prints(block: str) -> list[list[float]]:
    """The numbers in the comment of each ``print(`` line, in order."""
    return [[float(x) for x in NUMBER.findall(line.split("#", 1)[1])] for line in block.splitlines()
            if line.startswith("print(") and "#" in line]


@pytest.mark.parametrize("index", range(2), ids=["wire", "bilayer"])
def test_readme_python_api_example(index, tmp_path, monkeypatch):
    blocks = python_blocks("Python API")
    assert len(blocks) == 2
    block = blocks[index]
    monkeypatch.chdir(tmp_path)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(block, f"README.md Python API example {index + 1}", "exec"), {})
    lines = out.getvalue().splitlines()
    expected = expected_prints(block)
    assert len(lines) == len(expected)
    for line, want in zip(lines, expected, strict=True):
        got = [float(x) for x in NUMBER.findall(line)]
        assert got[: len(want)] == pytest.approx(want, rel=6e-4), line
    written = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file())
    # (the manifest of the output set, README "Output files", beside the files it lists)
    assert written == (["wire_out/.rashba-outputs.json", "wire_out/fields.vtu", "wire_out/profile.csv",
                        "wire_out/profile.png", "wire_out/summary.json"]
                       if index == 0 else ["bilayer_out/.rashba-outputs.json", "bilayer_out/fields.png",
                                           "bilayer_out/fields.vtu", "bilayer_out/interface.png",
                                           "bilayer_out/interface.vtu", "bilayer_out/summary.json"])


def test_readme_output_files_example_reads_what_the_wire_writes(tmp_path, monkeypatch):
    """The "Output files" snippet runs on a wire's ``--out`` folder."""
    from rashba_diffusion.cli import main

    monkeypatch.chdir(tmp_path)
    assert main(["wire", "--out", "out", "--width-nm", "20", "--cell-nm", "0.5"]) == 0
    block = python_blocks("Output files")[0]
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(block, "README.md Output files example", "exec"), {})
    assert out.getvalue().splitlines()[0] == "hamiltonian"
