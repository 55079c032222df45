"""``--version`` and the messages on stderr: warnings by default, ``-v`` what is done, ``-vv`` debugging detail,
``-q`` errors only; on any subcommand or before it.  stdout holds only the result."""

import json

import pytest

from rashba_diffusion import __version__
from rashba_diffusion.cli import main

WIRE = ["wire", "--width-nm", "10", "--cell-nm", "0.5", "--json"]


def test_version(capsys):
    assert main(["--version"]) == 0  # argparse's exit becomes the status (cli.contract), as for --help
    out = capsys.readouterr().out
    assert out.startswith(f"rashba-diffusion {__version__} (Python ") and "DOLFINx" in out


@pytest.mark.parametrize("flags, info, debug", [([], False, False), (["-v"], True, False), (["-vv"], True, True),
                                                (["-q"], False, False), (["--verbose", "--quiet"], False, False)])
def test_verbosity(flags, info, debug, capsys):
    assert main([*WIRE, *flags]) == 0
    out, err = capsys.readouterr()
    assert json.loads(out)["dofs"] > 0  # stdout: the result only
    assert ("rashba-diffusion: info: wire:" in err) == info
    assert ("rashba-diffusion: debug: wire: solved" in err) == debug


def test_verbosity_before_the_subcommand(capsys):
    assert main(["-v", *WIRE]) == 0
    assert "rashba-diffusion: info:" in capsys.readouterr().err
