#!/usr/bin/env bash
# Runs the benchmark pack on the GPU machine: no Node, no npm, no internet there; PyTorch is.
# Build the pack here with `npm run bench:device-pack`; it lands in bench/device/pack/ with a copy of this script.
#
#   bash bench/device/pack/run.sh [--quick] [--only W1,W2] [--cpu] [--no-torch] [--torch-device cuda|cpu]
#                                 [--parity W1,W2,W3,W4] [--system-vulkan] [--work DIR] [-- more bench args]
#
# 1. unpacks node.xz, webgpu.tar.xz (dawn.node) and the Vulkan loader .deb into a work folder (mktemp, or --work);
# 2. points the loader at NVIDIA's ICD (VK_ICD_FILENAMES / VK_DRIVER_FILES; an ICD already set is kept, which is
#    how the dry run here selects SwiftShader) and puts the packed loader on LD_LIBRARY_PATH;
# 3. `device.mjs bench --all --profile`: W1–W4 on our WebGPU engine through Dawn (--cpu adds our CPU engine);
# 4. torch_peer.py: the same workloads through torch.nn + cuDNN (CUDA events); TF.js-webgpu: "not measured";
# 5. `device.mjs parity`: one step's loss and gradients, WebGPU vs the CPU engine (W4 at T=8), on this machine;
# 6. a table. Everything also goes to results.jsonl and run.log in the work folder, and into $OUT when it is set.
# Exit status: 0 when every stage ran and parity held, 1 otherwise.
set -u
PACK=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
QUICK=; ONLY=; WORK=; CPU=; TORCH=1; TORCH_DEVICE=cuda; PARITY=W1,W2,W3,W4; SYSTEM_VULKAN=; EXTRA=()
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) QUICK=--quick ;;
    --only) ONLY=$2; shift ;;
    --work) WORK=$2; shift ;;
    --cpu) CPU=1 ;;
    --no-torch) TORCH= ;;
    --torch-device) TORCH_DEVICE=$2; shift ;;
    --parity) PARITY=$2; shift ;;
    --system-vulkan) SYSTEM_VULKAN=1 ;;
    --) shift; EXTRA=("$@"); break ;;
    -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
    *) echo "run.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
STAGE_TIMEOUT=${STAGE_TIMEOUT:-240}   # seconds per stage: the device tool stops a command at 10 minutes
WORK=${WORK:-$(mktemp -d "${TMPDIR:-/tmp}/rnnlab-device.XXXXXX")}
mkdir -p "$WORK"
WORK=$(cd "$WORK" && pwd)
RESULTS=$WORK/results.jsonl
LOG=$WORK/run.log
[ -n "${OUT:-}" ] && [ -d "${OUT:-}" ] && LOG=$OUT/run.log   # the device tool brings $OUT back
: >"$RESULTS"
exec > >(tee "$LOG") 2>&1
status=0
say() { echo "## $*"; }
# A stage runs under a time limit; its pipeline's first status decides (checked with PIPESTATUS by the caller).
stage() { timeout -k 10 "$STAGE_TIMEOUT" "$@"; local rc=$?; [ $rc -eq 0 ] || say "exit $rc: $*"; return $rc; }
check() { [ "$1" -eq 0 ] || status=1; }

say "pack $PACK -> work $WORK"
[ -f "$PACK/MANIFEST.txt" ] && head -2 "$PACK/MANIFEST.txt"
(cd "$PACK" && grep -E '^[0-9a-f]{64} ' MANIFEST.txt | awk '{print $1"  "$3}' | sha256sum -c --quiet) || { say "pack checksums do not match MANIFEST.txt"; exit 1; }

# 1. Unpack.
SECONDS=0
xz -dc "$PACK/node.xz" >"$WORK/node" && chmod +x "$WORK/node" || { say "could not unpack node"; exit 1; }
tar -xJf "$PACK/webgpu.tar.xz" -C "$WORK" || { say "could not unpack webgpu"; exit 1; }
cp "$PACK/device.mjs" "$WORK/"
mkdir -p "$WORK/sys"
for deb in "$PACK"/*.deb; do dpkg-deb -x "$deb" "$WORK/sys" || { say "dpkg-deb -x $deb failed"; exit 1; }; done
say "unpacked in ${SECONDS} s: node $("$WORK/node" --version), $(du -sh "$WORK" | cut -f1)"
NODE=$WORK/node

# 2. The Vulkan loader and driver.
if [ -z "$SYSTEM_VULKAN" ]; then
  export LD_LIBRARY_PATH="$WORK/sys/usr/lib/x86_64-linux-gnu${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
fi
for d in /usr/local/nvidia/lib64 /usr/local/nvidia/lib; do [ -d "$d" ] && export LD_LIBRARY_PATH="${LD_LIBRARY_PATH:+$LD_LIBRARY_PATH:}$d"; done
if [ -z "${VK_ICD_FILENAMES:-}" ]; then
  for f in /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json /usr/share/vulkan/icd.d/nvidia_icd.json \
           /etc/vulkan/icd.d/nvidia_icd.json /usr/share/vulkan/icd.d/nvidia_icd.x86_64.json; do
    [ -f "$f" ] && { export VK_ICD_FILENAMES=$f; break; }
  done
fi
if [ -n "${VK_ICD_FILENAMES:-}" ]; then
  export VK_DRIVER_FILES=${VK_DRIVER_FILES:-$VK_ICD_FILENAMES}   # the newer loaders' name for the same list
  say "Vulkan ICD $VK_ICD_FILENAMES: $(tr -d '\n ' <"${VK_ICD_FILENAMES%%:*}" | grep -o '"library_path":"[^"]*"')"
else
  say "no NVIDIA Vulkan ICD found (looked in /usr/local/nvidia/share, /usr/share and /etc vulkan/icd.d); set VK_ICD_FILENAMES"
  status=1
fi
say "loader: $(ls "$WORK"/sys/usr/lib/x86_64-linux-gnu/libvulkan.so.1* 2>/dev/null | head -1) ${SYSTEM_VULKAN:+(not used: --system-vulkan)}; LD_LIBRARY_PATH=$LD_LIBRARY_PATH"
command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.mem,temperature.gpu,utilization.gpu --format=csv,noheader
echo "## host: $(uname -srm), $(nproc) cores"

ONLY_ARGS=(); [ -n "$ONLY" ] && ONLY_ARGS=(--only "$ONLY")
ENGINES=webgpu; [ -n "$CPU" ] && ENGINES=cpu,webgpu

# 3. Our engine through Dawn.
say "bench: device.mjs bench --all --profile --engines $ENGINES $QUICK ${ONLY_ARGS[*]} ${EXTRA[*]}"
t0=$(date +%s)
(cd "$WORK" && stage "$NODE" device.mjs bench --all --profile --engines "$ENGINES" $QUICK "${ONLY_ARGS[@]}" "${EXTRA[@]}") | tee -a "$RESULTS"
check "${PIPESTATUS[0]}"
say "bench took $(( $(date +%s) - t0 )) s"

# 4. The peers.
if [ -n "$TORCH" ]; then
  PY=${PYTHON:-python3}
  if command -v "$PY" >/dev/null; then
    say "torch peer: $PY torch_peer.py --device $TORCH_DEVICE $QUICK ${ONLY_ARGS[*]}"
    t0=$(date +%s)
    PYTHONUNBUFFERED=1 stage "$PY" "$PACK/torch_peer.py" --device "$TORCH_DEVICE" $QUICK "${ONLY_ARGS[@]}" | tee -a "$RESULTS"
    check "${PIPESTATUS[0]}"
    say "torch peer took $(( $(date +%s) - t0 )) s"
  else
    say "no $PY: the cuDNN peer was not run"; status=1
  fi
fi
(cd "$WORK" && "$NODE" device.mjs not-measured "${ONLY_ARGS[@]}") | tee -a "$RESULTS"

# 5. Parity on this machine.
PARITY_ARGS=(--only "$PARITY"); [ -n "$ONLY" ] && PARITY_ARGS=(--only "$ONLY")
say "parity: device.mjs parity ${PARITY_ARGS[*]} --T 8"
t0=$(date +%s)
(cd "$WORK" && stage "$NODE" device.mjs parity "${PARITY_ARGS[@]}" --T 8) | tee -a "$RESULTS"
check "${PIPESTATUS[0]}"
say "parity took $(( $(date +%s) - t0 )) s"
grep -q '"what":"parity".*"ok":false' "$RESULTS" && { say "PARITY FAILED"; status=1; }

# 6. The table.
(cd "$WORK" && "$NODE" device.mjs floors "${ONLY_ARGS[@]}") >>"$RESULTS"
echo
(cd "$WORK" && "$NODE" device.mjs table "$RESULTS")
say "results: $RESULTS, log: $LOG; status $status"
if [ -n "${OUT:-}" ] && [ -d "${OUT:-}" ]; then cp "$RESULTS" "$OUT/"; fi
exit $status
