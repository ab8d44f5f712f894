# drawn by ofapt study; run `gnuplot convergence-vqa-curve.gp` in this directory to redraw
set terminal svg size 760,520 dynamic font 'sans,12' background '#ffffff'
set output "convergence-vqa-curve.svg"
set title "convergence: vqa learning curves (mean over seeds)" noenhanced
set xlabel "updates" noenhanced
set ylabel "accuracy (val)" noenhanced
set grid ytics
set key below noenhanced
plot "convergence-vqa-curve.dat" index 0 using 1:2 with linespoints lw 2 title "paper: lr 3e-2, warmup 6 %, init N(0, 0.02)", \
     "convergence-vqa-curve.dat" index 1 using 1:2 with linespoints lw 2 title "lr 1e-1", \
     "convergence-vqa-curve.dat" index 2 using 1:2 with linespoints lw 2 title "zero-init prompts", \
     "convergence-vqa-curve.dat" index 3 using 1:2 with linespoints lw 2 title "init from activations", \
     "convergence-vqa-curve.dat" index 4 using 1:2 with linespoints lw 2 title "no warmup"
