#!/usr/bin/env bash
# Regenerates results/default-eval: the default model on its test split, the team
# benchmark and MBPP, with the default (syntax-aware) decoding and plain decoding,
# then rewrites the tables in results/README.md and README.md.
# Usage: bash scripts/eval-default.sh [MODEL_DIR]   (about 30 minutes on 2 cores)
# BEST_EPOCH_RUN=DIR: the run before checkpoint averaging, for the "best single epoch" row (when averaged)
# ONE_MEMBER=DIR: an ensemble's first member alone, for the "one member" row (when an ensemble)
set -euo pipefail
cd "$(dirname "$0")/.."
model="${1:-models/default}"
out=results/default-eval
mbpp="${MBPP:-../shared/data/mbpp/mbpp.jsonl}"
en2py() { node dist/src/cli.js "$@"; }
plain=(--no-guard --no-rerank --max-repeats 0)
mkdir -p "$out/plain"

# name, then eval options; each summary is written atomically (temp file, then rename)
run() {
  local name="$1"; shift
  en2py eval --model "$model" --json --out "$out/$name" "$@" > "$out/$name.json.tmp"
  mv "$out/$name.json.tmp" "$out/$name.json"
}
# Two queues, one per core: the slow beam searches over the test split, and the rest.
beam_queue() {
  run beam5 --beam 5
  run benchmark-beam5 --benchmark benchmarks/en2py-bench.jsonl --beam 5
  run mbpp-beam5 --mbpp "$mbpp" --mbpp-prompt text+test --beam 5
  run beam5-cut --beam 5 --cut
  run plain/beam5 --beam 5 "${plain[@]}"
}
other_queue() {
  run greedy
  run benchmark --benchmark benchmarks/en2py-bench.jsonl
  run benchmark-samples5 --benchmark benchmarks/en2py-bench.jsonl --samples 5 --temperature 0.8
  run benchmark-exec10 --benchmark benchmarks/en2py-bench.jsonl --samples 10 --temperature 0.8 --select exec
  run mbpp --mbpp "$mbpp"
  run plain/greedy "${plain[@]}"
  run plain/benchmark --benchmark benchmarks/en2py-bench.jsonl "${plain[@]}"
  run plain/mbpp --mbpp "$mbpp" "${plain[@]}"
  # The default ensemble's first member alone, and that member's run before checkpoint
  # averaging (its best single epoch), when they are here.
  local one_member="${ONE_MEMBER:-}"
  if [ -n "$one_member" ] && [ -f "$one_member/model.safetensors" ]; then
    model="$one_member" run plain/greedy-one-member "${plain[@]}"
    model="$one_member" run plain/mbpp-one-member --mbpp "$mbpp" "${plain[@]}"
  fi
  local best_epoch_run="${BEST_EPOCH_RUN:-}"
  if [ -n "$best_epoch_run" ] && [ -f "$best_epoch_run/model.safetensors" ]; then
    model="$best_epoch_run" run plain/greedy-best-epoch "${plain[@]}"
    model="$best_epoch_run" run plain/mbpp-best-epoch --mbpp "$mbpp" "${plain[@]}"
  fi
}
beam_queue & beam_pid=$!
other_queue & other_pid=$!
wait "$beam_pid"
wait "$other_pid"
en2py experiment report
