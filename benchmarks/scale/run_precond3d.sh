#!/usr/bin/env bash
# The 3D preconditioner study of issue 15 (benchmarks/scale/precond3d.py), one run after another (niced,
# one heavy process at a time).  Results: benchmarks/scale/data/precond3d_*.json.
# Usage: bash benchmarks/scale/run_precond3d.sh [part ...]   (parts: film_p2 film_p2_gmg film_p1 bilayer bilayer8 bilayer_gmg ranks2 smoothers final final_pbj summary)
set -euo pipefail
cd "$(dirname "$0")/../.."
py=.venv/bin/python
s=benchmarks/scale/precond3d.py
r=benchmarks/scale/data
P2="iterative,pmg,pmg:crtol=0.01,pmg_lu"
for part in "${@:-film_p2 film_p2_gmg film_p1 bilayer bilayer8 bilayer_gmg ranks2}"; do
  case $part in
    # film box P2 on the benchmark's meshes (create_box), MUMPS as the reference up to 97k dofs
    film_p2) $py $s --case film3d --degree 2 --sizes 6,12,18 --recipes mumps,$P2 --out $r/precond3d_film_p2.json
             $py $s --case film3d --degree 2 --sizes 24 --recipes $P2 --out $r/precond3d_film_p2_24.json ;;
    # film box P2 on nested meshes (coarsest 3 cells across): geometric multigrid below the P1 level
    film_p2_gmg) $py $s --case film3d --degree 2 --sizes 6,12 --levels auto --recipes mumps,iterative,pmg:crtol=0.01,gmg \
                   --out $r/precond3d_film_p2_gmg.json
                 $py $s --case film3d --degree 2 --sizes 24 --levels auto --recipes iterative,pmg:crtol=0.01,gmg \
                   --out $r/precond3d_film_p2_gmg_24.json ;;
    # film box P1 on nested meshes: p-multigrid does not apply; GAMG against geometric multigrid
    film_p1) $py $s --case film3d --degree 1 --sizes 6,12,24 --levels auto --recipes mumps,iterative,gmg,gmg_gamg \
               --out $r/precond3d_film_p1.json
             $py $s --case film3d --degree 1 --sizes 48 --levels auto --recipes iterative,gmg,gmg_gamg \
               --out $r/precond3d_film_p1_48.json ;;
    # the benchmark's bilayer stripe (24 x 24 nm, P2, gmsh meshes)
    bilayer) $py $s --case bilayer3d --degree 2 --sizes 1.0,0.6,0.42 --recipes mumps,$P2 --out $r/precond3d_bilayer.json
             $py $s --case bilayer3d --degree 2 --sizes 0.33 --recipes $P2 --out $r/precond3d_bilayer_033.json ;;
    # the 8 x 8 nm stripe: 100x dofs within 2e5
    bilayer8) $py $s --case bilayer3d --stripe-nm 8 --degree 2 --sizes 1.0,0.5,0.33,0.25 --recipes mumps,$P2 \
                --out $r/precond3d_bilayer8.json
              $py $s --case bilayer3d --stripe-nm 8 --degree 2 --sizes 0.2,0.15 --recipes $P2 \
                --out $r/precond3d_bilayer8_fine.json ;;
    # 8 nm stripe on nested meshes (gmsh at 1 nm, refined): P1 and P2 geometric multigrid
    bilayer_gmg) $py $s --case bilayer3d --stripe-nm 8 --degree 2 --sizes 1.0,0.5,0.25 --levels 1,2,3 \
                   --recipes mumps,iterative,pmg:crtol=0.01,gmg --out $r/precond3d_bilayer8_gmg.json
                 $py $s --case bilayer3d --stripe-nm 8 --degree 1 --sizes 1.0,0.5,0.25,0.125 --levels 1,2,3,4 \
                   --recipes mumps,iterative,gmg --out $r/precond3d_bilayer8_gmg_p1.json ;;
    # 1 and 2 ranks side by side at the largest sizes of this phase
    ranks2) $py $s --case film3d --degree 2 --sizes 24 --ranks 1,2 --recipes iterative,pmg:crtol=0.01,pmgc \
              --out $r/precond3d_film_p2_ranks.json
            $py $s --case bilayer3d --degree 2 --sizes 0.42 --ranks 1,2 --recipes mumps,iterative,pmg:crtol=0.01,pmgc \
              --out $r/precond3d_bilayer_ranks.json ;;
    # the fine-level smoother of p-multigrid: ILU(0) (default) against SOR and point-block Jacobi (no factor copy)
    smoothers) SM="pmg:crtol=0.01,pmg:crtol=0.01/spc=sor,pmg:crtol=0.01/spc=pbjacobi/sm=6,pmg:crtol=0.01/sm=2,pmg:crtol=0.01/sm=6"
               $py $s --case film3d --degree 2 --sizes 24 --recipes iterative,$SM --out $r/precond3d_smoothers_film.json
               $py $s --case bilayer3d --degree 2 --sizes 0.33 --recipes iterative,$SM --out $r/precond3d_smoothers_bilayer.json ;;
    # side by side with CPU times: today's preset against the recommended p-multigrid (the headline table)
    final) $py $s --case film3d --degree 2 --sizes 6,12,18,24 --recipes iterative,pmg:crtol=0.01 --out $r/precond3d_final_film.json
           $py $s --case bilayer3d --degree 2 --sizes 1.0,0.6,0.42,0.33 --recipes iterative,pmg:crtol=0.01 \
             --out $r/precond3d_final_bilayer.json
           $py $s --case bilayer3d --stripe-nm 8 --degree 2 --sizes 1.0,0.5,0.33,0.25,0.2,0.15 \
             --recipes iterative,pmg:crtol=0.01 --out $r/precond3d_final_bilayer8.json ;;
    # the memory-lean smoother (point-block Jacobi, 6 GMRES steps: no ILU copy of the P2 matrix) across sizes
    final_pbj) PB="pmg:crtol=0.01/spc=pbjacobi/sm=6"
               $py $s --case film3d --degree 2 --sizes 6,12,18,24 --recipes $PB --out $r/precond3d_final_film_pbj.json
               $py $s --case bilayer3d --degree 2 --sizes 1.0,0.6,0.42,0.33 --recipes $PB --out $r/precond3d_final_bilayer_pbj.json ;;
    # the Markdown tables of all the above, one section per study set (no solving)
    summary) sm=benchmarks/scale/summarize.py
             { echo "# 3D preconditioner study: tables (generated by run_precond3d.sh summary)"
               echo; echo "## Headline: iterative vs p-multigrid, side by side with CPU times (part final, final_pbj)"
               $py $sm $r/precond3d_final_film.json $r/precond3d_final_bilayer.json $r/precond3d_final_bilayer8.json
               echo; echo "### the point-block Jacobi smoother across sizes (part final_pbj, a separate invocation)"
               $py $sm $r/precond3d_final_film_pbj.json $r/precond3d_final_bilayer_pbj.json
               echo; echo "## Candidates: p-multigrid variants (parts film_p2, bilayer, bilayer8)"
               $py $sm $r/precond3d_film_p2.json $r/precond3d_film_p2_24.json
               $py $sm $r/precond3d_bilayer.json $r/precond3d_bilayer_033.json
               $py $sm $r/precond3d_bilayer8.json $r/precond3d_bilayer8_fine.json
               echo; echo "## Geometric multigrid on nested meshes (parts film_p2_gmg, film_p1, bilayer_gmg)"
               $py $sm $r/precond3d_film_p2_gmg.json $r/precond3d_film_p2_gmg_24.json
               $py $sm $r/precond3d_film_p1.json $r/precond3d_film_p1_48.json
               $py $sm $r/precond3d_bilayer8_gmg.json
               $py $sm $r/precond3d_bilayer8_gmg_p1.json
               echo; echo "## Fine-level smoothers (part smoothers)"
               $py $sm $r/precond3d_smoothers_film.json; $py $sm $r/precond3d_smoothers_bilayer.json
               echo; echo "## 1 vs 2 ranks (part ranks2; both cores shared with other jobs: times not meaningful)"
               $py $sm $r/precond3d_film_p2_ranks.json $r/precond3d_bilayer_ranks.json
             } > $r/precond3d_summary.md ;;
    *) echo "unknown part $part" >&2; exit 2 ;;
  esac
done
