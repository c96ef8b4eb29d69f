# Shared by the bench scripts (sourced; they set $work): one timed run, and medians of its runs.

# measure NAME COMMAND...: one run, appends "seconds megabytes cpu" to $work/NAME.runs; fails loudly.
measure() {
  local name="$1" stats="$work/$1.time"
  shift
  local status=0
  /usr/bin/time -v -o "$stats" "$@" >"$work/$name.log" 2>&1 || status=$?
  if [ "$status" != 0 ]; then
    echo "$name failed ($status):" >&2
    tail -20 "$work/$name.log" >&2
    exit 1
  fi
  awk -F': ' '
    /Elapsed \(wall clock\)/ { n = split($2, t, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + t[i]; wall = s }
    /Maximum resident set size/ { rss = $2 / 1024 }
    /User time|System time/ { cpu += $2 }
    END { printf "%.3f %.1f %.2f\n", wall, rss, cpu }' "$stats" >>"$work/$name.runs"
}

# median: the median of the numbers on stdin; column_median NAME COLUMN: of one column of $work/NAME.runs.
median() { sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
column_median() { awk -v c="$2" '{ print $c }' "$work/$1.runs" | median; }
