#!/usr/bin/env bash
# The MUMPS study of issue 15 (benchmarks/scale/mumps2d.py), one run after another (niced).
# Results: benchmarks/scale/data/mumps2d_*.json.  Usage: bash benchmarks/scale/run_mumps2d.sh [part ...]
# (parts: orderings ranks2 scipy1e5 big big2 single1e5 big3 scipy1e5b; "big" is the ~1e6-dof part: run it alone on the machine)
set -euo pipefail
cd "$(dirname "$0")/../.."
py=.venv/bin/python
s=benchmarks/scale/mumps2d.py
r=benchmarks/scale/data
ORD="default,amd,amf,qamd,pord,scotch,metis"
BLR="metis+blr=1e-12,metis+blr=1e-10,metis+blr=1e-8,metis+blr=1e-6,metis+blr=1e-8+icntl_37=1,metis+icntl_35=2+cntl_7=1e-8"
for part in "${@:-orderings ranks2 scipy1e5}"; do
  case $part in
    # orderings, scaling and BLR on 1 rank at 1e4 and 1e5 dofs
    orderings) $py $s --sizes 1e4,1e5 --variants $ORD,metis+noscale,metis+icntl_6=0,$BLR --out $r/mumps2d_orderings.json
               $py $s --sizes 1e5 --variants default,metis+icntl_15=-4,pord+icntl_15=-4,pord+noscale \
                 --out $r/mumps2d_blocks.json ;;
    # 2 ranks: sequential vs parallel (PT-Scotch) analysis, BLR
    ranks2) $py $s --sizes 1e5 --ranks 2 --variants default,pord,scotch,ptscotch,metis+blr=1e-8 --out $r/mumps2d_ranks2.json ;;
    # the SciPy ratio at 1e5: baseline and variants interleaved, 3 repetitions
    scipy1e5) $py $s --sizes 1e5 --baseline --reps 3 --variants default,pord,amd --out $r/mumps2d_scipy1e5.json ;;
    # ~1e6 dofs, 1 rank: the memory target (run alone)
    big) $py $s --sizes 1e6 --variants default,pord,metis+icntl_35=2+cntl_7=1e-8+icntl_37=1,pord+icntl_35=2+cntl_7=1e-8+icntl_37=1,metis+ooc \
           --out $r/mumps2d_1e6.json ;;
    # ~1e6: looser BLR, with two steps of iterative refinement (ICNTL(10) = -2) to recover the accuracy
    big2) $py $s --sizes 1e6 --variants default,metis+icntl_35=2+cntl_7=1e-6+icntl_37=1,metis+icntl_35=2+cntl_7=1e-6+icntl_37=1+icntl_10=-2 \
            --out $r/mumps2d_1e6_blr.json ;;
    # single-precision factors (PETSc >= 3.25 -pc_precision single) inside FGMRES, with and without BLR
    single1e5) $py $s --sizes 1e5 --variants default,single,single+fgmres,single+icntl_35=2+cntl_7=1e-6+icntl_37=1+fgmres,icntl_35=2+cntl_7=1e-4+icntl_37=1+fgmres,single+gmres \
                 --out $r/mumps2d_single_1e5.json ;;
    big3) $py $s --sizes 1e6 --variants default,single+fgmres,single+icntl_35=2+cntl_7=1e-6+icntl_37=1+fgmres \
            --out $r/mumps2d_1e6_single.json ;;
    # the SciPy ratio at 1e5 with the recommended settings, interleaved, 3 repetitions
    scipy1e5b) $py $s --sizes 1e5 --baseline --reps 3 --variants default,single+fgmres,pord+single+fgmres \
                 --out $r/mumps2d_scipy1e5_single.json ;;
    *) echo "unknown part $part" >&2; exit 2 ;;
  esac
done
