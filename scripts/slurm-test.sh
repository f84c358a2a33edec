#!/usr/bin/env bash
# Runs examples/cluster/sweep.slurm for real on a one-node Slurm cluster (Debian's slurm-wlm +
# munge, started here and stopped at the end): queues an 8-run sweep in a SQLite store on local
# disk, submits the job array (each task one `tracker agent --until-empty`), waits, and checks
# that every run finished and was trained exactly once. Midway it kills array task 0 with
# SIGKILL (`scancel --batch --signal=KILL`: the agent is the batch step, as a node lost outright): another task must claim that
# task's run, resume it from its checkpoint, and `tracker rerun --verify` must find the
# resumed run identical to a fresh one. Not part of .ci/run (it starts system
# daemons as root). Needs root. Usage: scripts/slurm-test.sh [--keep] (keep the scratch folder).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
keep=${1:-}
[ "$(id -u)" = 0 ] || { echo "slurm-test: run as root (it starts munged, slurmctld and slurmd)" >&2; exit 1; }

need=()
command -v slurmctld >/dev/null || need+=(slurm-wlm)
command -v munged >/dev/null || need+=(munge)
if [ ${#need[@]} -gt 0 ]; then
  echo "== installing ${need[*]}"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi

echo "== building tracker"
swift build --product tracker 2>&1 | tail -1
tracker=$repo/.build/debug/tracker

scratch=$(mktemp -d /tmp/slurm-test.XXXXXX)
chmod 755 "$scratch"
host=$(hostname)
pids=()
cleanup() {
  set +e
  [ -n "${job:-}" ] && SLURM_CONF=$scratch/slurm.conf scancel "$job" 2>/dev/null
  for f in "$scratch/slurmd.pid" "$scratch/slurmctld.pid" "$scratch/munged.pid"; do
    [ -s "$f" ] && kill "$(cat "$f")" 2>/dev/null
  done
  sleep 1
  if [ "$keep" = --keep ]; then echo "scratch kept: $scratch"; else rm -rf "$scratch"; fi
}
trap cleanup EXIT

echo "== munge"
if [ ! -s /etc/munge/munge.key ]; then
  dd if=/dev/urandom bs=1 count=1024 of=/etc/munge/munge.key status=none
fi
chown munge:munge /etc/munge/munge.key && chmod 400 /etc/munge/munge.key
mkdir -p /run/munge && chown munge:munge /run/munge
if [ -S /run/munge/munge.socket.2 ] && munge -n >/dev/null 2>&1; then
  echo "munged already running: using it"
else
  runuser -u munge -- munged --force
  for _ in $(seq 50); do munge -n >/dev/null 2>&1 && break; sleep 0.1; done
  cp /run/munge/munged.pid "$scratch/munged.pid" 2>/dev/null || pgrep -u munge -x munged | head -1 > "$scratch/munged.pid"
fi

echo "== slurm (slurmctld + slurmd on $host)"
mkdir -p "$scratch/state" "$scratch/spool" "$scratch/jobs"
chown slurm:slurm "$scratch/state"
chmod 777 "$scratch/jobs"
cat > "$scratch/slurm.conf" <<CONF
ClusterName=trackertest
SlurmctldHost=$host
SlurmUser=slurm
AuthType=auth/munge
CredType=cred/munge
StateSaveLocation=$scratch/state
SlurmdSpoolDir=$scratch/spool
SlurmctldPidFile=$scratch/slurmctld.pid
SlurmdPidFile=$scratch/slurmd.pid
SlurmctldLogFile=$scratch/slurmctld.log
SlurmdLogFile=$scratch/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/backfill
ReturnToService=2
MpiDefault=none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
NodeName=$host CPUs=2 State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF=$scratch/slurm.conf
slurmctld -f "$SLURM_CONF"
slurmd -f "$SLURM_CONF"
for _ in $(seq 60); do sinfo -h -o %t 2>/dev/null | grep -qE '^(idle|mix|alloc)' && break; sleep 1; done
sinfo

echo "== queueing an 8-run sweep into $scratch/jobs/sweep.db"
cat > "$scratch/jobs/sweep.yaml" <<YAML
experiment: slurm
seed: 5
data: {source: spirals, size: 12000, classes: 3, noise: 0.3, validation: 0.2}
model: {depth: 3, width: 64, activation: relu}
optimizer: {type: adam, lr: 0.003}
epochs: 8
batch_size: 32
logging: {checkpoint_every: 1, keep_checkpoints: 2}
sweep:
  grid:
    optimizer.lr: [0.003, 0.01]
    model.width: [32, 48, 64, 96]
YAML
export TRACKER_DB=$scratch/jobs/sweep.db
"$tracker" sweep submit "$scratch/jobs/sweep.yaml" | tail -1

echo "== sbatch examples/cluster/sweep.slurm (4 array tasks, 1 CPU each on this 2-CPU node)"
start=$(date +%s)
job=$(sbatch --parsable --cpus-per-task=1 --chdir="$scratch/jobs" --export=ALL,TRACKER_DB="$TRACKER_DB",TRACKER="$tracker" \
  --output="$scratch/jobs/agent-%A_%a.out" "$repo/examples/cluster/sweep.slurm")
echo "job $job"
# Kill task 0 outright once its first run is past an epoch (a checkpoint exists to resume from).
killed=""
for _ in $(seq 1200); do
  if grep -q " epoch 3/" "$scratch/jobs/agent-${job}_0.out" 2>/dev/null; then
    killed=$(grep -o 'claimed run [0-9a-f]*' "$scratch/jobs/agent-${job}_0.out" | tail -1 | awk '{print $3}')
    scancel --batch --signal=KILL "${job}_0"
    echo "killed array task 0 (SIGKILL) while it trained run $killed"
    break
  fi
  sleep 0.1
done
for _ in $(seq 600); do
  [ -z "$(squeue -h -j "$job" 2>/dev/null)" ] && break
  sleep 1
done
echo "array done after $(( $(date +%s) - start )) s"
"$tracker" sweep status --all

echo "== checks"
fail=0
for f in "$scratch"/jobs/agent-*.out; do echo "-- $(basename "$f")"; grep -E "array task|claimed|trained" "$f" || true; done
claims=$(cat "$scratch"/jobs/agent-*.out | grep -o 'claimed run [0-9a-f]*' | awk '{print $3}' | sort)
runs=$("$tracker" runs --format csv | tail -n +2 | cut -d, -f1 | sort)
tasks=$(ls "$scratch"/jobs/agent-*.out | wc -l)
done_count=$("$tracker" sweep status --format csv | tail -n +2 | grep -c ',done,' || true)
[ "$tasks" = 4 ] || { echo "FAIL: $tasks array task outputs, expected 4"; fail=1; }
[ "$done_count" = 8 ] || { echo "FAIL: $done_count of 8 runs done"; fail=1; }
# The killed task's run is claimed twice: by task 0, then by the task that resumed it.
claims=$(echo "$claims" | awk -v k="$killed" '$0 != k || seen++')
[ "$claims" = "$runs" ] || { echo "FAIL: the claims (each run once) differ from the runs:"; diff <(echo "$claims") <(echo "$runs") || true; fail=1; }
[ "$(echo "$claims" | uniq -d)" = "" ] || { echo "FAIL: a run was claimed twice"; fail=1; }
sacct_states=$(squeue -h -j "$job" 2>/dev/null | wc -l)
[ "$sacct_states" = 0 ] || { echo "FAIL: the job is still in the queue"; fail=1; }
if [ -n "$killed" ]; then
  echo "-- run $killed: events after the kill"
  "$tracker" show "$killed" --format json | python3 -c '
import json, sys
events = [e for e in json.load(sys.stdin)["events"] if e["kind"] in ("crashed", "resume", "environment")]
for e in events: print("  ", e["kind"] + ":", e["message"])
sys.exit(0 if any(e["kind"] == "resume" for e in events) else 1)' || { echo "FAIL: run $killed was not resumed"; fail=1; }
  echo "-- tracker rerun $killed --verify (a fresh run of the same config, compared bit for bit)"
  "$tracker" rerun "$killed" --verify | tail -1 || { echo "FAIL: the resumed run differs from a fresh run"; fail=1; }
else
  echo "FAIL: task 0 finished its first run before it could be killed"; fail=1
fi
"$tracker" check | tail -1
if [ $fail = 0 ]; then echo "slurm-test: OK — 8 runs trained by 4 array tasks, each once, and task 0's run (killed with SIGKILL) resumed by another task, identical to a fresh run"; fi
exit $fail
