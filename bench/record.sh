# Sourced by the bench/run_*.sh scripts: `record CMD FILE` runs CMD (which prints one JSON object)
# and appends {"command", "host", "load", "date", "result"} to FILE.
record() {
  local cmd=$1 file=$2 result
  result=$($cmd)
  echo "{\"command\": \"$cmd\", \"host\": \"$(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)\", \"load\": \"$(cut -d' ' -f1-3 /proc/loadavg)\", \"date\": \"$(date -u +%F)\", \"result\": $result}" >> "$file"
}
