#!/usr/bin/env bash
# Submits a scsim sweep to Slurm: a job array with one shard of the sweep's points per task,
# then the merge, which waits for every task (afterany) and so runs even when a task failed:
# `scsim merge` then names the shards that are missing, and exits non-zero.
#
# Run from the project folder, with scsim built (cargo build --release):
#
#     SHARDS=10 examples/slurm/submit.sh
#
# Settings (environment variables, all optional):
#   SCENARIO     scenario file                  (default scenarios/quickstart.json)
#   SWEEP        the sweep's arguments          (default --set policies.safety-stock.inventory.S=80..179 --replications 1000)
#   SHARDS       number of shards (array tasks) (default 4)
#   WORK         folder for shards and logs     (default slurm-work/<scenario file name>)
#   OUT          merged output folder           (default scsim's: output/<scenario name>-sweep)
#   SCSIM        the scsim binary               (default target/release/scsim)
#   CPUS         CPUs per task                  (default 1)
#   SBATCH_ARGS  more sbatch options for both jobs, e.g. "--partition=long --time=02:00:00"
#
# Shard i is written to $WORK/shards/i, the logs to $WORK/logs/. Run the script again with the
# same settings after a failure: it resubmits only the shards without a complete folder (each
# with --resume, so the points a killed task had finished are kept) and a new merge.
set -euo pipefail

SCENARIO=${SCENARIO:-scenarios/quickstart.json}
SWEEP=${SWEEP:---set policies.safety-stock.inventory.S=80..179 --replications 1000}
SHARDS=${SHARDS:-4}
WORK=${WORK:-slurm-work/$(basename "$SCENARIO" .json)}
OUT=${OUT:-}
SCSIM=${SCSIM:-target/release/scsim}
CPUS=${CPUS:-1}
read -ra extra <<< "${SBATCH_ARGS:-}"

here=$(cd "$(dirname "$0")" && pwd)
[[ $SHARDS =~ ^[1-9][0-9]*$ ]] || { echo "SHARDS must be a whole number ≥ 1, not '$SHARDS'" >&2; exit 2; }
[ -x "$SCSIM" ] || { echo "no scsim binary at $SCSIM: build it with cargo build --release, or set SCSIM" >&2; exit 2; }
[ -f "$SCENARIO" ] || { echo "no scenario file $SCENARIO" >&2; exit 2; }
SCSIM=$(realpath "$SCSIM")
"$SCSIM" validate "$SCENARIO" > /dev/null

# The folders the jobs write into exist before the jobs start (Slurm opens --output first).
mkdir -p "$WORK/shards" "$WORK/logs"
WORK=$(realpath "$WORK")
settings="scenario=$SCENARIO sha256=$(sha256sum < "$SCENARIO" | cut -d' ' -f1) shards=$SHARDS sweep=$SWEEP scsim=$("$SCSIM" --version)"
if [ -f "$WORK/settings" ] && [ "$(cat "$WORK/settings")" != "$settings" ]; then
    echo "$WORK holds shards of another sweep ($(cat "$WORK/settings")); remove it or set WORK" >&2
    exit 2
fi
echo "$settings" > "$WORK/settings"

# The shards still to compute: all, or those without a complete folder (a resubmission).
todo=()
for ((i = 0; i < SHARDS; i++)); do
    [ -f "$WORK/shards/$i/.scsim-output" ] || todo+=("$i")
done
export SCENARIO SWEEP SHARDS WORK OUT SCSIM

deps=()
if [ ${#todo[@]} -gt 0 ]; then
    list=$(IFS=,; echo "${todo[*]}")
    array=$(sbatch --parsable "${extra[@]}" --job-name=scsim-shard --array="$list" \
        --cpus-per-task="$CPUS" --output="$WORK/logs/shard-%a.out" "$here/shard.sbatch")
    array=${array%%;*}
    deps=(--dependency="afterany:$array")
    echo "submitted shards $list of 0..$((SHARDS - 1)) as job array $array"
fi
merge=$(sbatch --parsable "${extra[@]}" "${deps[@]}" --job-name=scsim-merge \
    --output="$WORK/logs/merge-%j.out" "$here/merge.sbatch")
merge=${merge%%;*}
echo "submitted the merge as job $merge; its log: $WORK/logs/merge-$merge.out"
