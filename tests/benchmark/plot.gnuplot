# The last runs of run.sh side by side (side-by-side.sh writes the data): requests/s per target, then the ratios to
# the unlatched gateway and the added p99 latencies, each with its goal.
# gnuplot -e "targets='…'; ratios='…'; added='…'; outfile='…'; n=3; titles='run1 run2 run3'" plot.gnuplot
# Data rows: "label" value-of-run-1 value-of-run-2 value-of-run-3 goal (NaN where there is none).
set terminal pngcairo size 1100,900 font "sans,10" noenhanced
set output outfile
set datafile missing "NaN"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set grid ytics
set xtics scale 0
set ytics nomirror
set key top right
colors = "#4a7ebb #e8a33d #5aa469"
goal_style = "with xerrorbars linewidth 3 linecolor rgb '#c0392b' pointtype 0"

set multiplot title "LatchGateway benchmark: the last runs of tests/benchmark/run.sh side by side (2 CPUs, loopback)"

set origin 0, 0.48
set size 1, 0.48
set title "requests/s per target (median over the rounds of each run)"
set yrange [0:*]
plot for [i=1:n] targets using (column(i + 1)):xtic(1) title word(titles, i) linecolor rgb word(colors, i)

set origin 0, 0
set size 0.5, 0.48
set title "requests/s relative to the unlatched gateway (c), and c to nginx (b); red: goal"
set yrange [0:1.2<*]
plot for [i=1:n] ratios using (column(i + 1)):xtic(1) notitle linecolor rgb word(colors, i), \
     ratios using 0:5:(0.45) @goal_style title "goal (at least)"

set origin 0.5, 0
set size 0.5, 0.48
set title "added p99 latency over c, ms; red: goal"
set yrange [*<0:*]
set xzeroaxis
plot for [i=1:n] added using (column(i + 1)):xtic(1) notitle linecolor rgb word(colors, i), \
     added using 0:5:(0.45) @goal_style title "goal (at most)"

unset multiplot
