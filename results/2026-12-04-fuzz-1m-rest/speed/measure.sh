#!/usr/bin/env bash
# Before/after exec/s, one pair at a time, the two binaries side by side (one per CPU) so they
# share the machine state: same seeds, same -seed, same duration, empty working corpora.
set -u
W=/work/wt/fuzz-full
OLD=/work/wt/fuzz/build/fuzz/bin
NEW=$W/build/fuzz/bin
OUT=${OUT:-/tmp/ff-measure}
SECS=${SECS:-30}
mkdir -p $OUT
for t in "$@"; do
  seeds=("$W/tests/fuzz/$t/corpus"); [ -d "$W/tests/fuzz/$t/regressions" ] && seeds+=("$W/tests/fuzz/$t/regressions")
  for v in before after; do rm -rf $OUT/$t-$v-corpus; mkdir -p $OUT/$t-$v-corpus; done
  echo "== $t $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg)"
  nice -n 19 $OLD/fuzz-$t -seed=1 -max_total_time=$SECS -timeout=30 -rss_limit_mb=3072 -dict=$W/tests/fuzz/$t/$t.dict -artifact_prefix=$OUT/ -print_final_stats=1 $OUT/$t-before-corpus "${seeds[@]}" > $OUT/$t-before.log 2>&1 &
  nice -n 19 $NEW/fuzz-$t -seed=1 -max_total_time=$SECS -timeout=30 -rss_limit_mb=3072 -dict=$W/tests/fuzz/$t/$t.dict -artifact_prefix=$OUT/ -print_final_stats=1 $OUT/$t-after-corpus "${seeds[@]}" > $OUT/$t-after.log 2>&1 &
  wait
  for v in before after; do
    echo "$t $v $(grep -E '^stat::number_of_executed_units' $OUT/$t-$v.log | awk '{print $2}') execs $(grep -E '^stat::average_exec_per_sec' $OUT/$t-$v.log | awk '{print $2}') exec/s $(grep -E 'DONE' $OUT/$t-$v.log | sed -nE 's/.*cov: ([0-9]+).*/cov \1/p')"
  done
  echo "   load after $(cut -d' ' -f1-3 /proc/loadavg)"
done
