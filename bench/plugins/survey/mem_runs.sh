#!/bin/sh
# memory-bomb experiments (results quoted in FINDINGS.md)
cd /tmp/jsbox
for as in 2300 3072 4096; do echo "--- JIT AS=$as"; AS_MB=$as CALL_MS=20000 ./sandbox mem; done
for as in 256 512; do echo "--- NOJIT AS=$as"; NOJIT=1 AS_MB=$as CALL_MS=20000 ./sandbox mem; done
echo "--- GC-heap bomb, JSGC_MAX_BYTES=32MB"; NOJIT=1 GC_MB=32 AS_MB=512 CALL_MS=20000 BOMB="let a=[]; for(;;) a.push({a:1,b:[1,2,3],c:'s'+a.length});" ./sandbox mem
echo "--- catch OOM"; NOJIT=1 AS_MB=256 CALL_MS=20000 BOMB="let n=0; for(;;){ try { let a=[]; for(;;) a.push(new Array(1e6).fill(1)); } catch(e) { n++; if (n>3) return 'caught '+n+' '+e; } }" ./sandbox mem
