# Throughput (bars, left axis) and p99 latency (points, right axis) of targets a–e.
# gnuplot -e "datafile='…'; outfile='…'; subtitle='…'" plot.gnuplot ; datafile rows: "label" requests/s p99-ms
set terminal pngcairo size 1000,560 font "sans,11"
set output outfile
set title "LatchGateway vs nginx on loopback\n{/*0.8 " . subtitle . "}"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.8
set ylabel "requests/s (bars)"
set y2label "p99 latency, ms (points)"
set yrange [0:*]
set y2range [0:*]
set ytics nomirror
set y2tics
set grid ytics
set key outside bottom center horizontal
set xtics scale 0
set xrange [-0.6:4.6]
set offsets 0, 0, graph 0.1, 0
plot datafile using 2:xtic(1) title "requests/s" linecolor rgb "#4a7ebb", \
     '' using 0:2:(sprintf("%.0f", $2)) with labels offset 0,0.8 notitle, \
     '' using 0:3 axes x1y2 with points pointtype 7 pointsize 1.8 linecolor rgb "#c0392b" title "p99 (ms)", \
     '' using 0:3:(sprintf("%.1f ms", $3)) axes x1y2 with labels left offset 1,0 textcolor rgb "#c0392b" notitle
