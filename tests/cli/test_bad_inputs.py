"""The catalogue of bad inputs: every one through the real command line, as its own process.

For each case: the exit status (2 bad input, 3 failed solve), stdout empty, exactly one stderr line that starts
with ``rashba-diffusion: error:`` (or ``solve failed:``) and names what is wrong (the words of the case:
parameter, value, unit, valid range), no traceback, and nothing written (the case's working directory stays
empty and the shared fixtures unchanged).  Argparse's usage block and warnings (``rashba-diffusion: warning:``)
may come before the line.

The cases run in one fork server (``cli_server.py``): one Python start-up for all of them, each case still a
process of its own with its own exit status.  Most fail before DOLFINx is imported; the mesh and PETSc cases
import it in their own process.  :func:`test_the_server_is_the_real_command_line` shows that the server's
results are those of the ``rashba-diffusion`` script.  The MPI cases run under ``mpiexec -n 2`` with a timeout:
a failure on one rank must end every rank, with the same status.  Categories and counts: docs/reliability.md.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ..conftest import ROOT, mpiexec

SERVER = Path(__file__).resolve().parent / "cli_server.py"
PREFIX = "rashba-diffusion: "
HALL_BAR = ["hall-bar", "--length-nm", "30", "--width-nm", "10", "--arm-width-nm", "4", "--arm-length-nm", "4",
            "--cell-nm", "1.0"]
BILAYER_2D = ["bilayer", "--width-nm", "10", "--hm-thickness-nm", "3", "--fm-thickness-nm", "1", "--cell-nm", "0.2"]
SMALL_WIRE = ["--width-nm", "10"]
MESH_WIRE = ["mesh", "wire", "--length-nm", "20", "--width-nm", "5", "--cell-nm", "1"]

#: the macrospin command's smallest valid run, and an llg sweep of it (the TOML's [run] table last)
MACROSPIN = ["macrospin", "--ms-a-per-m", "8e5", "--alpha-gilbert", "0.02", "--b-ext-t", "0.05,0,0", "--t-end-ns",
             "0.1"]
LLG = ("problem = \"llg\"\n[magnet]\nms_a_per_m = 8e5\nalpha_gilbert = 0.02\nb_ext_t = [0.05, 0, 0]\n[run]\n"
       "t_end_ns = 0.1\n")
LLG_AXIS = "[sweep.axes]\nalpha_gilbert = [0.01]\n"
#: the domain-wall command's smallest valid run (Zhang–Li, u = 0)
WALL = ["domain-wall", "--ms-a-per-m", "8e5", "--a-ex-j-per-m", "1e-11", "--k-u-j-per-m3", "5e5", "--alpha-gilbert",
        "0.02", "--t-end-ns", "0.1"]

#: TOML files of the fixture folder
TOMLS = {
    "ok.toml": "[geometry]\nwidth_nm = 10\n[sweep.axes]\nalpha_ev_nm = [0.01, 0.02]\n",
    "bad_syntax.toml": "[geometry\nwidth_nm = 10\n",
    "unknown_table.toml": "[materials]\nalpha_ev_nm = 0.05\n",
    "unknown_key.toml": "[material]\nalpha = 0.05\n",
    "wrong_type.toml": "[material]\nalpha_ev_nm = \"large\"\n",
    "tau_huge.toml": "[material]\ntau_s = 1e300\n",
    "axis_unknown.toml": "[sweep.axes]\nbeta_ev_nm = [1, 2]\n",
    "range_num.toml": "[sweep.axes]\nalpha_ev_nm = {start = 0.01, stop = 0.05, num = 1.5}\n",
    "range_log.toml": "[sweep.axes]\nalpha_ev_nm = {start = -0.01, stop = 0.05, num = 3, log = true}\n",
    "zip_unequal.toml": "[sweep]\nmode = \"zip\"\n[sweep.axes]\nalpha_ev_nm = [0.01, 0.02]\ntau_s = [1e-15]\n",
    "m_and_angles.toml": "[magnetization]\nm = [1, 0, 0]\ntheta_deg = 30\n",
    "film_missing_mesh.toml": "problem = \"film\"\n[mesh]\nfile = \"nope.msh\"\n",
    "problem.toml": "problem = \"plasma\"\n",
    "length_1d.toml": "[geometry]\nkind = \"1d\"\nlength_nm = 100\n",
    "bilayer_file_kind.toml": "problem = \"bilayer\"\n[geometry]\nkind = \"2d\"\n[mesh]\nfile = \"bl.msh\"\n",
    "points_grid.toml": "[sweep.axes]\nalpha_ev_nm = {start = 0.01, stop = 0.05, num = 1000}\n"
                        "tau_s = {start = 1e-15, stop = 2e-15, num = 1000}\ntau_sf_s = {start = 1e-12, stop = "
                        "2e-12, num = 1000}\n",
    "points_range.toml": "[sweep.axes]\nalpha_ev_nm = {start = 0.01, stop = 0.05, num = 2000000}\n",
    "tiny_cell.toml": "[geometry]\nwidth_nm = 50\n[mesh]\ncell_nm = 1e-7\n",
    "llg_ms_huge.toml": LLG.replace("8e5", "1e300") + LLG_AXIS,
    "llg_t_end_huge.toml": LLG.replace("t_end_ns = 0.1", "t_end_ns = 1e300") + LLG_AXIS,
    "llg_steps.toml": LLG.replace("t_end_ns = 0.1", "t_end_ns = 1e8") + LLG_AXIS,
    "llg_axis_alpha.toml": LLG + "[sweep.axes]\nalpha_gilbert = [0.01, 1e300]\n",
    "llg_axis_t_end.toml": LLG + "[sweep.axes]\nt_end_ns = [0.1, 1e300]\n",
    "llg_rtol.toml": LLG + "rtol = 1e300\n" + LLG_AXIS,
    "llg_max_steps.toml": LLG + "max_steps = 0\n" + LLG_AXIS,
    "llg_unknown_key.toml": LLG + "t_end_s = 1e-10\n" + LLG_AXIS,
    "film_no_sinks.toml": "problem = \"film\"\n[mesh]\nfile = \"hb_numbers.xdmf\"\ndegree = 1\n[sweep.axes]\n"
                          "alpha_ev_nm = [0.01]\n",
}


#: the Hall bar as a meshio XDMF (inline data): its tags as the cell data "tags", no names
NUMBERS_XDMF = """
import meshio, numpy as np
m = meshio.read('hb.msh')
blocks, tags = [], []
for kind in ('triangle', 'line'):
    pairs = [(b.data, t) for b, t in zip(m.cells, m.cell_data['gmsh:physical']) if b.type == kind]
    blocks.append((kind, np.concatenate([c for c, _ in pairs])))
    tags.append(np.concatenate([t for _, t in pairs]).astype(np.int32))
meshio.xdmf.write('hb_numbers.xdmf', meshio.Mesh(m.points[:, :2], blocks, cell_data={'tags': tags}), data_format='XML')
"""


def E(name: str, argv: list[str], words: list[str], status: int = 2, kind: str = "error",
      heavy: bool = False) -> pytest.param:
    """One case: ``argv`` must exit with ``status`` and one ``rashba-diffusion: <kind>:`` line holding ``words``
    (``{F}`` in an argument or a word is the fixture folder).  ``heavy``: the case imports DOLFINx (it fails only
    once a mesh file is read, or PETSc reads the options); the others fail before."""
    return pytest.param(argv, status, kind, words, heavy, id=name)


CATALOGUE = [
    # -- A. the command line itself (argparse) -------------------------------------------------------------
    E("A-unknown-flag", ["wire", "--bogus-flag"], ["unrecognized arguments: --bogus-flag"]),
    E("A-not-a-number", ["wire", "--alpha-ev-nm", "abc"], ["--alpha-ev-nm", "'abc'"]),
    E("A-bad-choice", ["wire", "--geometry", "3d"], ["--geometry", "'3d'", "'1d', '2d'"]),
    E("A-bad-degree", ["wire", "--degree", "7"], ["--degree", "7"]),
    E("A-bad-vector", ["wire", "--m", "a,b,c"], ["--m", "a,b,c"]),
    E("A-bad-interface", ["bilayer", "--interface", "perfect"], ["--interface", "perfect"]),
    E("A-bench-number", ["bench", "--baseline-max-s", "x"], ["--baseline-max-s", "'x'"]),
    E("A-unknown-command", ["plasma"], ["invalid choice", "plasma"]),
    E("A-mesh-missing-width", ["mesh", "wire", "--length-nm", "10", "--cell-nm", "1", "-o", "a.msh"],
      ["--width-nm", "required"]),
    E("A-sweep-no-config", ["sweep"], ["config", "required"]),
    E("A-exclusive-exchange", ["bulk", "--tau-delta-s", "1e-14", "--delta-xc-ev", "0.1"],
      ["--delta-xc-ev", "not allowed with", "--tau-delta-s"]),
    # -- B. the film's values and their bounds ----------------------------------------------------------------
    E("B-alpha-1e300", ["bulk", "--alpha-ev-nm", "1e300"], ["alpha_ev_nm", "1e+300", "eV·nm", "[0, 10]"]),
    E("B-alpha-negative", ["bulk", "--alpha-ev-nm=-0.01"], ["alpha_ev_nm", "-0.01", "eV·nm", "[0, 10]"]),
    E("B-tau-1e300", ["bulk", "--tau-s", "1e300"], ["tau_s", "1e+300", " s ", "[1e-18, 1e-09]"]),
    E("B-tau-1e-300", ["bulk", "--tau-s", "1e-300"], ["tau_s", "1e-300", " s ", "[1e-18, 1e-09]"]),
    E("B-tau-zero", ["wire", "--tau-s", "0"], ["tau_s", "0.0", " s ", "[1e-18, 1e-09]"]),
    E("B-tau-sf-nan", ["wire", "--tau-sf-s", "nan"], ["tau_sf_s", "nan", " s ", "[1e-18, 0.001] or inf"]),
    E("B-tau-sf-1e300", ["bulk", "--tau-sf-s", "1e300"], ["tau_sf_s", "1e+300", "[1e-18, 0.001] or inf"]),
    E("B-tau-delta-1e300", ["bulk", "--tau-delta-s", "1e300"], ["tau_delta_s", "1e+300", "[1e-18, 0.001] or inf"]),
    E("B-delta-1e300", ["bulk", "--delta-xc-ev", "1e300"], ["delta_xc_ev", "1e+300", "eV", "[0, 10]"]),
    E("B-delta-negative", ["bulk", "--delta-xc-ev=-1"], ["delta_xc_ev", "-1", "eV", "[0, 10]"]),
    E("B-kf-1e300", ["bulk", "--kf-per-nm", "1e300"], ["kf_per_nm", "1e+300", "1/nm", "[0.001, 100]"]),
    E("B-kf-1e-300", ["bulk", "--kf-per-nm", "1e-300"], ["kf_per_nm", "1e-300", "1/nm", "[0.001, 100]"]),
    E("B-mass-1e300", ["bulk", "--mass-ratio", "1e300"], ["mass_ratio", "1e+300", "mₑ", "[0.001, 1000]"]),
    E("B-mass-1e-300", ["bulk", "--mass-ratio", "1e-300"], ["mass_ratio", "1e-300", "mₑ", "[0.001, 1000]"]),
    E("B-polarization", ["bulk", "--polarization", "2"], ["polarization", "2.0", "[-1, 1]"]),
    E("B-efield-1e308", ["bulk", "--efield-v-per-m", "1e308"], ["efield_v_per_m", "1e+308", "V/m", "[-1e+10, 1e+10]"]),
    E("B-efield-inf", ["wire", "--efield-v-per-m", "inf"], ["efield_v_per_m", "inf", "V/m", "[-1e+10, 1e+10]"]),
    E("B-m-not-unit", ["wire", "--m", "1,1,0"], ["m", "norm 1.414", "|m| = 1"]),
    E("B-m-two-components", ["bulk", "--m", "1,0"], ["m", "3 finite components"]),
    E("B-e-out-of-plane", ["bulk", "--e-direction", "0,0,1"], ["direction", "film plane"]),
    E("B-ms-1e300", ["bulk", "--ms-a-per-m", "1e300", "--thickness-nm", "1"], ["ms_a_per_m", "A/m", "(0, 1e+07]"]),
    E("B-thickness-1e300", ["bulk", "--ms-a-per-m", "1e6", "--thickness-nm", "1e300"],
      ["thickness_nm", "nm", "(0, 1e+09]"]),
    E("B-ms-alone", ["bulk", "--ms-a-per-m", "1e6"], ["--ms-a-per-m", "--thickness-nm"]),
    E("B-singular", ["bulk", "--alpha-ev-nm", "0", "--tau-sf-s", "inf"], ["alpha_ev_nm", "tau_sf_s", "singular"]),
    E("B-width-zero", ["wire", "--width-nm", "0"], ["width_nm", "0.0", "nm", "(0, 1e+09]"]),
    E("B-width-1e300", ["wire", "--width-nm", "1e300"], ["width_nm", "1e+300", "nm", "(0, 1e+09]"]),
    E("B-width-nan", ["wire", "--width-nm", "nan"], ["width_nm", "nan", "nm"]),
    E("B-cell-negative", ["wire", "--cell-nm=-1"], ["cell_nm", "-1.0", "nm", "(0, 1e+09]"]),
    E("B-cell-above-half-width", ["wire", "--cell-nm", "40"], ["cell_nm", "40.0", "nm", "width_nm/2"]),
    E("B-length-1e300", ["wire", "--geometry", "2d", "--length-nm", "1e300"], ["length_nm", "1e+300", "nm"]),
    E("B-length-zero", ["wire", "--geometry", "2d", "--length-nm", "0"], ["length_nm", "0.0", "nm"]),
    # -- C. the bilayer's values -------------------------------------------------------------------------
    E("C-hm-thickness-zero", ["bilayer", "--hm-thickness-nm", "0"], ["hm_thickness_nm", "0.0", "nm", "(0, 1e+09]"]),
    E("C-hm-lambda-1e300", ["bilayer", "--hm-lambda-nm", "1e300"], ["hm_lambda_nm", "1e+300", "nm"]),
    E("C-sigma-1e300", ["bilayer", "--hm-sigma-s-per-m", "1e300"], ["hm_sigma_s_per_m", "S/m", "(0, 1e+10]"]),
    E("C-theta-1e300", ["bilayer", "--theta-sh", "1e300"], ["theta_sh", "1e+300", "[-100, 100]"]),
    E("C-gmix-negative", ["bilayer", "--g-mix-real-s-per-m2=-5e14"], ["g_mix_real_s_per_m2", "-5e+14", "S/m²"]),
    E("C-gmix-imag-1e300", ["bilayer", "--g-mix-imag-s-per-m2", "1e300"], ["g_mix_imag_s_per_m2", "1e+300"]),
    E("C-current-zero", ["bilayer", "--j-a-per-m2", "0"], ["j_a_per_m2", "A/m²", "0 < |j| <= 1e+15"]),
    E("C-current-1e300", ["bilayer", "--j-a-per-m2", "1e300"], ["j_a_per_m2", "1e+300", "A/m²"]),
    E("C-fm-length-without-thickness", ["bilayer", "--fm-lambda-j-nm", "1"], ["fm_thickness_nm", "finite"]),
    E("C-continuous-ideal-sink", ["bilayer", "--interface", "continuous"], ["continuous", "finite ferromagnet"]),
    E("C-fm-lambda-zero", ["bilayer", "--fm-thickness-nm", "2", "--fm-lambda-phi-nm", "0"],
      ["fm_lambda_phi_nm", "0.0", "nm", "(0, 1e+09] or inf"]),
    E("C-fm-ms-1e300", ["bilayer", "--fm-thickness-nm", "1", "--ms-a-per-m", "1e300"], ["fm_ms_a_per_m", "A/m"]),
    E("C-m-zero", ["bilayer", "--m", "0,0,0"], ["m", "norm 0"]),
    # -- D. output paths: checked before any work ---------------------------------------------------------------
    E("D-out-is-a-file", ["wire", "--out", "{F}/afile"], ["--out", "afile", "existing file"]),
    E("D-out-below-a-file", ["wire", "--out", "{F}/afile/sub"], ["--out", "is a file, not a folder"]),
    E("D-bilayer-out-file", ["bilayer", "--out", "{F}/afile"], ["--out", "existing file"]),
    E("D-out-empty", ["wire", "--out", ""], ["--out", "''"]),
    E("D-out-unwritable", ["wire", "--out", "/proc/rashba/x"], ["--out", "/proc/rashba/x", "not writable"]),
    E("D-mesh-suffix", [*MESH_WIRE, "-o", "a.txt"], ["-o/--output", "a.txt", ".msh"]),
    E("D-mesh-output-a-folder", [*MESH_WIRE, "-o", "{F}/dir.msh"], ["-o/--output", "is a folder"]),
    E("D-mesh-below-a-file", [*MESH_WIRE, "-o", "{F}/afile/m.msh"], ["-o/--output", "is a file, not a folder"]),
    E("D-sweep-out-file", ["sweep", "{F}/ok.toml", "--out", "{F}/afile"], ["--out", "existing file"]),
    E("D-bench-out-file", ["bench", "--out", "{F}/afile"], ["--out", "existing file"]),
    # -- E. flags the chosen geometry would ignore --------------------------------------------------------------
    E("E-mesh-with-cell", ["wire", "--mesh", "{F}/hb.msh", "--cell-nm", "1"], ["--cell-nm", "--mesh"]),
    E("E-mesh-with-width", ["wire", "--mesh", "{F}/hb.msh", "--width-nm", "20"], ["--width-nm", "--mesh"]),
    E("E-mesh-with-geometry", ["wire", "--mesh", "{F}/hb.msh", "--geometry", "2d"], ["--geometry", "--mesh"]),
    E("E-mesh-with-length", ["wire", "--mesh", "{F}/hb.msh", "--length-nm", "100"], ["--length-nm", "--mesh"]),
    E("E-tag-map-without-mesh", ["wire", "--tag-map", '{"edges": 6}'], ["--tag-map", "without --mesh"]),
    E("E-1d-with-length", ["wire", "--length-nm", "100"], ["--length-nm", "1D cross-section"]),
    E("E-bilayer-1d-width", ["bilayer", "--width-nm", "10"], ["--width-nm", "--geometry 1d"]),
    E("E-bilayer-2d-length", ["bilayer", "--geometry", "2d", "--length-nm", "10"], ["--length-nm", "2d"]),
    E("E-bilayer-mesh-cell", ["bilayer", "--mesh", "{F}/bl.msh", "--cell-nm", "0.1"], ["--cell-nm", "--mesh"]),
    E("E-bilayer-tag-map", ["bilayer", "--tag-map", "{}"], ["--tag-map", "without --mesh"]),
    E("E-bilayer-contacts-1d", ["bilayer", "--charge-current", "contacts"], ["charge_current", "contacts", "'1d'"]),
    E("E-wire-ms-alone", ["wire", "--ms-a-per-m", "1e6"], ["--ms-a-per-m", "--thickness-nm"]),
    # -- F. size guards --------------------------------------------------------------------------------------
    E("F-wire-cell-1e-6", ["wire", "--cell-nm", "1e-6"], ["degrees of freedom", "cell 1e-06 nm", "--max-dofs",
                                                           "2e+07"]),
    E("F-wire-2d-fine", ["wire", "--geometry", "2d", "--cell-nm", "1e-3"], ["degrees of freedom", "--max-dofs"]),
    E("F-wire-own-limit", ["wire", "--max-dofs", "1000"], ["degrees of freedom", "5.09e+03", "--max-dofs = 1e+03"]),
    E("F-max-dofs-negative", ["wire", "--max-dofs=-1"], ["--max-dofs", "-1", "(0, inf]"]),
    E("F-max-dofs-nan", ["wire", "--max-dofs", "nan"], ["--max-dofs", "nan"]),
    E("F-bilayer-3d-fine", ["bilayer", "--geometry", "3d", "--cell-nm", "0.001"], ["degrees of freedom", "3d",
                                                                                  "--max-dofs"]),
    E("F-bilayer-2d-wide", ["bilayer", "--geometry", "2d", "--width-nm", "1e6"], ["degrees of freedom", "2d"]),
    E("F-mesh-cells", ["mesh", "wire", "--length-nm", "1e4", "--width-nm", "1e4", "--cell-nm", "0.01", "-o", "m.msh"],
      ["cells of the wire mesh", "--max-cells", "1e+07"]),
    E("F-mesh-3d-cells", ["mesh", "bilayer-3d", "--length-nm", "1e3", "--width-nm", "1e3", "--hm-thickness-nm", "3",
                          "--fm-thickness-nm", "1", "--cell-nm", "0.01", "-o", "m.msh"], ["cells", "--max-cells"]),
    E("F-max-cells-zero", [*MESH_WIRE, "--max-cells", "0", "-o", "m.msh"], ["--max-cells", "0.0"]),
    E("F-sweep-points-grid", ["sweep", "{F}/points_grid.toml"], ["sweep.axes", "1e+09 points", "--max-points"]),
    E("F-sweep-points-range", ["sweep", "{F}/points_range.toml"], ["2e+06 points", "--max-points = 1e+06"]),
    E("F-sweep-own-limit", ["sweep", "{F}/ok.toml", "--max-points", "1"], ["2 points", "--max-points = 1"]),
    E("F-sweep-max-points-zero", ["sweep", "{F}/ok.toml", "--max-points", "0"], ["--max-points", "0.0"]),
    E("F-sweep-tiny-cell", ["sweep", "{F}/tiny_cell.toml"], ["degrees of freedom", "sweep", "--max-dofs"]),
    # -- G. PETSc options ------------------------------------------------------------------------------------
    E("G-option-name", ["wire", "--petsc-option", "bogus_name=1"], ["petsc option", "bogus_name", "ksp_"]),
    E("G-option-number", ["wire", "--petsc-option", "ksp_rtol=abc"], ["ksp_rtol", "'abc'", "(0, 1)"]),
    E("G-option-max-it", ["wire", "--petsc-option", "ksp_max_it=0"], ["ksp_max_it", "'0'", ">= 1"]),
    E("G-option-preset", ["wire", "--petsc-option", "preset=fastest"], ["preset", "fastest", "iterative"]),
    E("G-option-no-key", ["wire", "--petsc-option", "=3"], ["--petsc-option", "KEY=VALUE"]),
    E("G-bilayer-option", ["bilayer", "--petsc-option", "ksp_rtol=2"], ["ksp_rtol", "'2'", "(0, 1)"]),
    E("G-petsc-type", ["wire", *SMALL_WIRE, "--petsc-option", "ksp_type=garbage"],
      ["petsc options", "ksp_type=garbage", "Unable to find requested KSP type garbage"], heavy=True),
    E("G-petsc-package", ["wire", *SMALL_WIRE, "--petsc-option", "pc_factor_mat_solver_type=nosuch"],
      ["petsc options", "nosuch"], heavy=True),
    # -- H. meshes and tag maps ------------------------------------------------------------------------------
    E("H-missing-file", ["wire", "--mesh", "{F}/nope.msh"], ["mesh file", "nope.msh", "does not exist"], heavy=True),
    E("H-junk-file", ["wire", "--mesh", "{F}/junk.vtu"], ["junk.vtu", "could not be read"], heavy=True),
    E("H-xdmf-numbers-no-map", ["wire", "--mesh", "{F}/hb_numbers.xdmf"],
      ["required mesh roles", "spin sinks", "tags found", "facets: 3, 4, 6"], heavy=True),
    E("H-bilayer-mesh-to-wire", ["wire", "--mesh", "{F}/bl.msh"], ["spin sinks", "names mapped: fm, fm_top, hm",
                                                                   "7 (interface)"], heavy=True),
    E("H-misspelt-name", ["wire", "--mesh", "{F}/hb.msh", "--tag-map", '{"edgez": 6}'],
      ["spin sinks", "names mapped: edgez", "6 (edges)"], heavy=True),
    E("H-unknown-tag", ["wire", "--mesh", "{F}/hb.msh", "--tag-map", '{"edges": 99}'],
      ["'edges' -> 99", "unknown facet tag 99", "tags found"], heavy=True),
    E("H-tag-map-not-json", ["wire", "--mesh", "{F}/hb.msh", "--tag-map", "{edges: 6"], ["tag_map", "not JSON"]),
    E("H-unknown-group", ["wire", "--mesh", "{F}/hb.msh", "--tag-map", '{"edges": "edgs"}'],
      ["'edgs'", "no physical group"], heavy=True),
    E("H-film-mesh-to-bilayer", ["bilayer", "--mesh", "{F}/hb.msh"], ["required mesh roles", "'hm'", "'interface'",
                                                                      "1 (film)"], heavy=True),
    E("H-bilayer-no-interface", ["bilayer", "--mesh", "{F}/bl.msh", "--tag-map", '{"hm": 2}'],
      ["'interface'", "not mapped", "7 (interface)"], heavy=True),
    E("H-mesh-too-large", ["wire", "--mesh", "{F}/hb.msh", "--max-dofs", "100"],
      ["degrees of freedom of the film on", "hb.msh", "--max-dofs = 100"], heavy=True),
    # -- I. TOML configurations ------------------------------------------------------------------------------
    E("I-missing-file", ["sweep", "{F}/nope.toml"], ["config file", "nope.toml", "does not exist"]),
    E("I-syntax", ["sweep", "{F}/bad_syntax.toml"], ["bad_syntax.toml", "not valid TOML"]),
    E("I-unknown-table", ["sweep", "{F}/unknown_table.toml"], ["'materials'", "unknown table"]),
    E("I-unknown-key", ["sweep", "{F}/unknown_key.toml"], ["'material.alpha'", "unknown key", "alpha_ev_nm"]),
    E("I-wrong-type", ["sweep", "{F}/wrong_type.toml"], ["'material.alpha_ev_nm'", "expected a number", "'large'"]),
    E("I-value-1e300", ["sweep", "{F}/tau_huge.toml"], ["'material'", "tau_s", "1e+300", "[1e-18, 1e-09]"]),
    E("I-unknown-axis", ["sweep", "{F}/axis_unknown.toml"], ["'sweep.axes.beta_ev_nm'", "unknown axis"]),
    E("I-range-num", ["sweep", "{F}/range_num.toml"], ["'sweep.axes.alpha_ev_nm.num'", "integer", "1.5"]),
    E("I-range-log", ["sweep", "{F}/range_log.toml"], ["'sweep.axes.alpha_ev_nm'", "log range", "start > 0"]),
    E("I-zip-unequal", ["sweep", "{F}/zip_unequal.toml"], ["'sweep.mode'", "equal length"]),
    E("I-m-and-angles", ["sweep", "{F}/m_and_angles.toml"], ["magnetization", "not both"]),
    E("I-mesh-file-missing", ["sweep", "{F}/film_missing_mesh.toml"], ["'mesh.file'", "nope.msh", "does not exist"]),
    E("I-problem", ["sweep", "{F}/problem.toml"], ["'problem'", "'plasma'", "'wire'"]),
    E("I-length-1d", ["sweep", "{F}/length_1d.toml"], ["'geometry.length_nm'", "kind = '2d'"]),
    E("I-bilayer-file-and-kind", ["sweep", "{F}/bilayer_file_kind.toml"], ["'geometry.kind'", "[mesh] file"]),
    E("I-film-mesh-roles", ["sweep", "{F}/film_no_sinks.toml", "--out", "out"], ["spin sinks", "tags found"],
      heavy=True),
    # -- J. bench ------------------------------------------------------------------------------------------
    E("J-ranks-zero", ["bench", "--ranks", "0"], ["--ranks", "'0'", "[1, 1024]"]),
    E("J-ranks-text", ["bench", "--ranks", "abc"], ["--ranks", "'abc'", "not an integer"]),
    E("J-ranks-negative", ["bench", "--ranks=1,-1"], ["--ranks", "-1", "[1, 1024]"]),
    E("J-only-bogus", ["bench", "--only", "bogus"], ["--only", "'bogus'", "wire2d"]),
    E("J-baseline-negative", ["bench", "--baseline-max-s=-1"], ["--baseline-max-s", "-1"]),
    # -- L. the macrospin command and the llg sweep ---------------------------------------------------------------
    E("L-ms-huge", [*MACROSPIN, "--ms-a-per-m", "1e300"], ["ms_a_per_m", "1e+300", "A/m", "(0, 1e+07]"]),
    E("L-alpha-huge", [*MACROSPIN, "--alpha-gilbert", "1e300"],
      ["alpha_gilbert", "1e+300", "(dimensionless)", "[0, 100]"]),
    E("L-alpha-negative", [*MACROSPIN, "--alpha-gilbert=-0.1"], ["alpha_gilbert", "-0.1", "[0, 100]"]),
    E("L-gamma-huge", [*MACROSPIN, "--gamma-rad-per-s-t", "1e300"], ["gamma_rad_per_s_t", "rad/(s·T)", "1e+13]"]),
    E("L-field-huge", [*MACROSPIN, "--b-ext-t", "1e300,0,0"], ["b_ext_t", "1e+300", "T", "[-10000, 10000]"]),
    E("L-torque-field-huge", [*MACROSPIN, "--b-dl-t", "1e9"], ["b_dl_t", "T", "[-10000, 10000]"]),
    E("L-t-end-huge", [*MACROSPIN, "--t-end-ns", "1e300"], ["t_end_ns", "1e+300", "ns", "(0, 1e+09]"]),
    E("L-t-end-zero", [*MACROSPIN, "--t-end-ns", "0"], ["t_end_ns", "0", "ns", "(0, 1e+09]"]),
    E("L-steps", [*MACROSPIN, "--t-end-ns", "1e8"], ["time steps (estimated)", "--max-steps = 1e+07"]),
    E("L-midpoint-tiny-step", [*MACROSPIN, "--method", "midpoint", "--dt-ps", "1e-300"],
      ["time steps (estimated)", "--max-steps"]),
    E("L-midpoint-no-step", [*MACROSPIN, "--method", "midpoint"], ["dt_ps", "midpoint"]),
    E("L-rtol", [*MACROSPIN, "--rtol", "1e300"], ["rtol", "1e+300", "[1e-14, 0.1]"]),
    E("L-max-steps", [*MACROSPIN, "--max-steps", "0"], ["--max-steps", "0", "(0, inf]"]),
    E("L-out-file", [*MACROSPIN, "--out", "{F}/afile"], ["--out", "existing file"]),
    E("L-out-unwritable", [*MACROSPIN, "--out", "/proc/rashba/x"], ["--out", "not writable"]),
    E("L-petsc-unused", [*MACROSPIN, "--petsc-option", "ksp_type=cg"], ["--petsc-option", "--torque prescribed"]),
    E("L-rashba-flag-unused", [*MACROSPIN, "--width-nm", "10"], ["--width-nm", "--torque rashba"]),
    E("L-rashba-thickness", [*MACROSPIN, "--torque", "rashba", "--thickness-nm", "1e300"],
      ["thickness_nm", "1e+300", "nm", "1e+09]"]),
    E("L-rashba-dofs", [*MACROSPIN, "--torque", "rashba", "--thickness-nm", "1", "--cell-nm", "1e-6"],
      ["degrees of freedom", "--max-dofs"]),
    E("L-bilayer-current", [*MACROSPIN, "--torque", "bilayer", "--fm-thickness-nm", "1", "--j-a-per-m2", "1e300"],
      ["j_a_per_m2", "1e+300", "A/m²", "1e+15]"]),
    E("L-sweep-ms", ["sweep", "{F}/llg_ms_huge.toml", "--out", "out"], ["magnet", "ms_a_per_m", "(0, 1e+07]"]),
    E("L-sweep-t-end", ["sweep", "{F}/llg_t_end_huge.toml", "--out", "out"], ["run.t_end_ns", "1e+300", "ns"]),
    E("L-sweep-steps", ["sweep", "{F}/llg_steps.toml", "--out", "out"], ["time steps", "run.max_steps = 1e+07"]),
    E("L-sweep-axis", ["sweep", "{F}/llg_axis_alpha.toml", "--out", "out"],
      ["sweep point 1", "alpha_gilbert", "1e+300", "[0, 100]"]),
    E("L-sweep-axis-t-end", ["sweep", "{F}/llg_axis_t_end.toml", "--out", "out"],
      ["sweep point 1", "t_end_ns = 1e+300", "run.max_steps"]),
    E("L-sweep-rtol", ["sweep", "{F}/llg_rtol.toml", "--out", "out"], ["rtol", "1e+300", "[1e-14, 0.1]"]),
    E("L-sweep-max-steps", ["sweep", "{F}/llg_max_steps.toml", "--out", "out"], ["run.max_steps", "(0, inf]"]),
    E("L-sweep-unknown-key", ["sweep", "{F}/llg_unknown_key.toml", "--out", "out"], ["t_end_s"]),
    # -- P. the pumping command ------------------------------------------------------------------------------
    E("P-frequency-huge", ["pumping", "--frequency-ghz", "1e300"], ["frequency_ghz", "1e+300", "GHz", "(0, 1e+06]"]),
    E("P-cone-angle", ["pumping", "--cone-angle-deg", "180"], ["cone_angle_deg", "180", "deg", "(0, 180)"]),
    E("P-helix-without-k", ["pumping", "--texture", "helix"], ["wavevector_per_nm", "1/nm", "helix"]),
    E("P-k-huge", ["pumping", "--texture", "helix", "--wavevector-per-nm", "1e300"],
      ["wavevector_per_nm", "1e+300", "1/nm", "[-10000, 10000]"]),
    E("P-bulk-length", ["pumping", "--length-nm", "100"], ["length_nm", "100", "nm", "'bulk'"]),
    E("P-length-huge", ["pumping", "--geometry", "1d", "--length-nm", "1e300"],
      ["length_nm", "1e+300", "nm", "(0, 1e+09]"]),
    E("P-periods", ["pumping", "--geometry", "1d", "--periods", "1"], ["periods", "1", "integer >= 2"]),
    E("P-dofs", ["pumping", "--geometry", "2d", "--cell-nm", "1e-3"], ["degrees of freedom", "--max-dofs = 2e+07"]),
    E("P-steps", ["pumping", "--geometry", "1d", "--dt-ps", "1e-9"], ["time steps", "--max-steps = 1e+07"]),
    E("P-ms-huge", ["pumping", "--ms-a-per-m", "1e300", "--thickness-nm", "1"], ["ms_a_per_m", "1e+300", "(0, 1e+07]"]),
    E("P-ms-alone", ["pumping", "--ms-a-per-m", "8e5"], ["--ms-a-per-m", "--thickness-nm"]),
    E("P-out-file", ["pumping", "--geometry", "1d", "--out", "{F}/afile"], ["--out", "existing file"]),
    # -- W. the domain-wall command --------------------------------------------------------------------------
    E("W-ms-huge", [*WALL, "--ms-a-per-m", "1e300"], ["ms_a_per_m", "1e+300", "A/m", "(0, 1e+07]"]),
    E("W-exchange-huge", [*WALL, "--a-ex-j-per-m", "1e300"], ["a_ex_j_per_m", "1e+300", "J/m", "(0, 1e-06]"]),
    E("W-alpha-negative", [*WALL, "--alpha-gilbert=-0.1"], ["alpha_gilbert", "-0.1", "[0, 100]"]),
    E("W-dmi-huge", [*WALL, "--dmi-j-per-m2", "1e300"], ["dmi_j_per_m2", "1e+300", "J/m²", "[-100, 100]"]),
    E("W-drift-huge", [*WALL, "--u-m-per-s", "1e300"], ["u_m_per_s", "1e+300", "m/s", "1e+07]"]),
    E("W-t-end-huge", [*WALL, "--t-end-ns", "1e300"], ["t_end_ns", "1e+300", "ns", "(0, 1e+06]"]),
    E("W-steps", [*WALL, "--t-end-ns", "1e5"], ["time steps", "--max-steps = 1e+07"]),
    E("W-dofs", [*WALL, "--cell-nm", "1e-6"], ["degrees of freedom", "--max-dofs = 2e+07"]),
    E("W-cell-coarse", [*WALL, "--cell-nm", "100"], ["cell_nm", "100", "nm", "wall widths"]),
    E("W-flag-unused", [*WALL, "--torque", "spin-diffusion", "--beta", "0.1"], ["--beta", "--torque zhang-li"]),
    E("W-out-file", [*WALL, "--out", "{F}/afile"], ["--out", "existing file"]),
    # -- K. a failed solve -----------------------------------------------------------------------------------
    E("K-not-converged", ["wire", *SMALL_WIRE, "--out", "out", "--petsc-option", "ksp_type=gmres", "--petsc-option",
                          "pc_type=none", "--petsc-option", "ksp_max_it=2"],
      ["KSP did not converge", "DIVERGED_MAX_IT"], status=3, kind="solve failed", heavy=True),
]


def server_env() -> dict:
    """The environment of the command lines: this checkout first on the path."""
    return {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}


def run_server(cases: list[dict], env: dict) -> list[dict]:
    p = subprocess.run([sys.executable, str(SERVER)], input=json.dumps(cases), capture_output=True, text=True,
                       env=env, timeout=1800)
    assert p.returncode == 0, p.stderr
    return json.loads(p.stdout)


def snapshot(root: Path) -> dict[str, tuple[int, float]]:
    """Every path under ``root`` with its size and modification time."""
    out = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for n in dirnames + filenames:
            p = Path(dirpath) / n
            st = p.lstat()
            out[str(p.relative_to(root))] = (st.st_size, st.st_mtime)
    return out


@pytest.fixture(scope="module")
def fixtures(tmp_path_factory):
    """Meshes (ours, in .msh and DOLFINx's .xdmf; the Hall bar as a meshio XDMF with numeric tags only, the kind
    of file other tools write; a bilayer), a junk file, a file, a folder named like a mesh, the TOMLs."""
    d = tmp_path_factory.mktemp("fixtures")
    script = ("from rashba_diffusion.cli import main\n"
              f"assert main(['mesh', *{HALL_BAR!r}, '-o', 'hb.msh', '--xdmf']) == 0\n"
              f"assert main(['mesh', *{BILAYER_2D!r}, '-o', 'bl.msh']) == 0\n"
              f"{NUMBERS_XDMF}")
    p = subprocess.run([sys.executable, "-c", script], cwd=d, env=server_env(), capture_output=True, text=True,
                       timeout=600)
    assert p.returncode == 0, p.stderr
    (d / "junk.vtu").write_text("not a mesh\n")
    (d / "afile").write_text("a file\n")
    (d / "dir.msh").mkdir()
    for name, text in TOMLS.items():
        (d / name).write_text(text)
    return d


@pytest.fixture(scope="module")
def catalogue_results(fixtures, tmp_path_factory):
    """Every case run once by the fork server, each in a fresh empty folder: {case id: (folder, result)}."""
    runs = tmp_path_factory.mktemp("runs")
    before = snapshot(fixtures)
    cases, ids = [], []
    for param in CATALOGUE:
        argv = [a.replace("{F}", str(fixtures)) for a in param.values[0]]
        cwd = runs / param.id
        cwd.mkdir()
        cases.append({"argv": argv, "cwd": str(cwd), "env": {"COLUMNS": "120"}, "timeout": 300})
        ids.append(param.id)
    results = run_server(cases, server_env())
    assert snapshot(fixtures) == before, "a bad input changed the fixtures"
    return {i: (Path(c["cwd"]), r) for i, c, r in zip(ids, cases, results, strict=True)}


def check_contract(result: dict, status: int, kind: str, words: list[str], where: str = "") -> str:
    """The message contract; returns the one line."""
    err = result["stderr"]
    assert not result["timed_out"], f"timed out{where}"
    assert result["status"] == status, f"exit {result['status']} != {status}{where}: {err}"
    assert "Traceback" not in err, err
    ours = [ln for ln in err.splitlines() if ln.startswith(PREFIX) and not ln.startswith(PREFIX + "warning:")]
    assert len(ours) == 1, f"expected one line, got {ours}{where}"
    assert ours[0].startswith(f"{PREFIX}{kind}: ") or ours[0].startswith(f"{PREFIX}[rank "), ours[0]
    others = [ln for ln in err.splitlines() if ln not in ours and not ln.startswith(PREFIX + "warning:")]
    assert all(ln.startswith("usage:") or ln.startswith(" ") or not ln.strip() for ln in others), others
    return ours[0]


@pytest.mark.parametrize("argv, status, kind, words, heavy", CATALOGUE)
def test_bad_input(argv, status, kind, words, heavy, request, catalogue_results, fixtures):
    cwd, result = catalogue_results[request.node.callspec.id]
    line = check_contract(result, status, kind, words)
    assert result["dolfinx"] == heavy, "DOLFINx imported" if result["dolfinx"] else "DOLFINx not imported"
    for w in words:
        assert w.replace("{F}", str(fixtures)) in line, (w, line)
    assert result["stdout"] == "", result["stdout"]
    assert list(cwd.iterdir()) == [], f"written: {list(cwd.iterdir())}"


def test_catalogue_size():
    """The issue asks for at least 80 cases; docs/reliability.md lists the categories with these counts."""
    counts: dict[str, int] = {}
    for p in CATALOGUE:
        counts[p.id[0]] = counts.get(p.id[0], 0) + 1
    assert len(CATALOGUE) >= 80
    assert sum(p.values[4] for p in CATALOGUE) == 14  # cases that import DOLFINx (the rest fail before)
    assert counts == {"A": 11, "B": 31, "C": 13, "D": 10, "E": 12, "F": 15, "G": 8, "H": 11, "I": 16, "J": 5,
                      "K": 1, "L": 28, "P": 12, "W": 11}


def test_debug_shows_the_traceback(tmp_path, cli_env):
    [r] = run_server([{"argv": ["bulk", "--tau-s", "0", "--debug"], "cwd": str(tmp_path)}], cli_env)
    assert r["status"] == 2 and "Traceback" in r["stderr"]
    assert r["stderr"].splitlines()[-1].startswith("rashba-diffusion: error: tau_s = 0.0 s is invalid")


@pytest.mark.parametrize("argv", [["bulk", "--tau-s", "1e300"], ["wire", "--out", "{F}/afile"],
                                  ["bench", "--ranks", "0"], ["wire", "--geometry", "3d"]])
def test_the_server_is_the_real_command_line(argv, fixtures, tmp_path, cli_env):
    """The fork server's result equals the ``rashba-diffusion`` script's, run as usual."""
    argv = [a.replace("{F}", str(fixtures)) for a in argv]
    script = Path(sys.executable).parent / "rashba-diffusion"
    real = subprocess.run([str(script), *argv], cwd=tmp_path, env={**cli_env, "COLUMNS": "120"}, capture_output=True,
                          text=True, timeout=300)
    [served] = run_server([{"argv": argv, "cwd": str(tmp_path), "env": {"COLUMNS": "120"}}], cli_env)
    assert (served["status"], served["stdout"], served["stderr"]) == (real.returncode, real.stdout, real.stderr)
    assert list(tmp_path.iterdir()) == []


@pytest.fixture
def read_only_dir(tmp_path):
    """A read-only tmpfs (needs root to mount: skipped otherwise)."""
    if os.geteuid() != 0:
        pytest.skip("mounting a read-only file system needs root")
    mnt = tmp_path / "ro"
    mnt.mkdir()
    p = subprocess.run(["mount", "-t", "tmpfs", "-o", "ro,size=64k", "tmpfs", str(mnt)], capture_output=True,
                       text=True)
    if p.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {p.stderr.strip()}")
    yield mnt
    subprocess.run(["umount", str(mnt)], check=True)


@pytest.mark.parametrize("argv", [["wire", "--out", "{RO}/res"], [*MESH_WIRE, "-o", "{RO}/m.msh"],
                                  ["sweep", "{F}/ok.toml", "--out", "{RO}/s"]], ids=["wire", "mesh", "sweep"])
def test_read_only_output_is_bad_input(argv, read_only_dir, fixtures, tmp_path, cli_env):
    """Root may write anywhere the permissions say no, but not on a read-only mount: exit 2 before any work."""
    argv = [a.replace("{RO}", str(read_only_dir)).replace("{F}", str(fixtures)) for a in argv]
    work = tmp_path / "work"
    work.mkdir()
    [r] = run_server([{"argv": argv, "cwd": str(work)}], cli_env)
    line = check_contract(r, 2, "error", [])
    assert "not writable" in line and "Read-only file system" in line, line
    assert list(read_only_dir.iterdir()) == [] and list(work.iterdir()) == []


# -- under mpiexec -n 2: every rank ends, with the same status -------------------------------------------------
MPI_CASES = [
    pytest.param(["wire", "--out", "{F}/afile"], 2, "error", ["--out", "existing file"], {}, id="out-is-a-file"),
    pytest.param(["wire", "--out", "/proc/rashba/x"], 2, "error", ["not writable"], {}, id="out-unwritable"),
    pytest.param(["wire", "--kf-per-nm", "abc"], 2, "error", ["--kf-per-nm"], {}, id="argparse"),
    pytest.param(["wire", "--mesh", "{F}/hb_numbers.xdmf"], 2, "error", ["spin sinks"], {}, id="mesh-roles"),
    pytest.param(["wire", *SMALL_WIRE, "--petsc-option", "ksp_type=gmres", "--petsc-option", "pc_type=none",
                  "--petsc-option", "ksp_max_it=2"], 3, "solve failed", ["DIVERGED_MAX_IT"], {}, id="solve-failed"),
    pytest.param(["wire", *SMALL_WIRE], 2, "error", ["[rank 1] error: injected fault on rank 1"],
                 {"RASHBA_FAULT": "1:start"}, id="rank-1-fails-before-mpi"),
    pytest.param(["wire", *SMALL_WIRE, "--out", "out"], 1, "failed", ["[rank 1] failed: injected fault on rank 1"],
                 {"RASHBA_FAULT": "1:finish"}, id="rank-1-fails-after-the-solve"),
    pytest.param(["wire", *SMALL_WIRE, "--out", "out"], 1, "failed", ["failed: injected fault on rank 0"],
                 {"RASHBA_FAULT": "0:finish"}, id="rank-0-fails-after-the-solve"),
]


@pytest.mark.mpi
@pytest.mark.skipif(mpiexec() is None, reason="no mpiexec")
@pytest.mark.parametrize("argv, status, kind, words, env", MPI_CASES)
def test_bad_input_on_two_ranks(argv, status, kind, words, env, fixtures, tmp_path, cli_env):
    """One rank's failure (or every rank's) ends the job with the contract's status; a hang is a timeout."""
    argv = [a.replace("{F}", str(fixtures)) for a in argv]
    cmd = [mpiexec(), "-n", "2", sys.executable, "-m", "rashba_diffusion.cli", *argv]
    try:
        p = subprocess.run(cmd, cwd=tmp_path, env={**cli_env, **env}, capture_output=True, text=True, timeout=240)
    except subprocess.TimeoutExpired:
        pytest.fail("hung: a failed rank left the other waiting")
    result = {"status": p.returncode, "stderr": p.stderr, "stdout": p.stdout, "timed_out": False}
    line = check_contract(result, status, kind, words)
    for w in words:
        assert w in line, (w, line)
    assert "Abort(" not in p.stderr  # MPICH's own abort line is silenced: the contract's line is the only one
    if status != 3:
        assert p.stdout == ""
    assert list(tmp_path.rglob("*")) == []
