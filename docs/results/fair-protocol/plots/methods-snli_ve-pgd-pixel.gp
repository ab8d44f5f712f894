# drawn by ofapt study; run `gnuplot methods-snli_ve-pgd-pixel.gp` in this directory to redraw
set terminal svg size 760,520 dynamic font 'sans,12' background '#ffffff'
set output "methods-snli_ve-pgd-pixel.svg"
set title "methods: snli_ve under pgd (pixel space)" noenhanced
set xlabel "epsilon (1/255)" noenhanced
set ylabel "accuracy" noenhanced
set grid ytics
set key below noenhanced
plot "methods-snli_ve-pgd-pixel.dat" index 0 using 1:2 with linespoints lw 2 title "prompt (paper recipe)"
