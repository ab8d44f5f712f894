# drawn by ofapt study; run `gnuplot length-vqa-length.gp` in this directory to redraw
set terminal svg size 760,520 dynamic font 'sans,12' background '#ffffff'
set output "length-vqa-length.svg"
set title "length: vqa" noenhanced
set xlabel "length" noenhanced
set ylabel "accuracy (val, mean ± sd)" noenhanced
set grid ytics
set key below noenhanced
plot "length-vqa-length.dat" index 0 using 1:2:3 with yerrorlines lw 2 title "length"
