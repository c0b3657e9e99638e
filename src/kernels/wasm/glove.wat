;; GloVe training kernel: one AdaGrad step per co-occurrence record, f32x4 SIMD.
;;
;; The update rule is the one written out in ../../glove/kernel.ts (trainRecords); tests hold this kernel to it.
;; Records are training records of 16 bytes: i32 row i, i32 row j, f32 log x, f32 f(x). Rows of the weights and
;; of the squared-gradient sums are `stride` floats: the vector padded to a multiple of 4 (padding stays zero),
;; then the bias. Word i's row is i, context j's row is V + j. Everything lives in the imported shared memory;
;; threads update it without locks (Hogwild).

(module
  (import "env" "memory" (memory 1 65536 shared))

  (func $hsum (param $v v128) (result f32)
    (f32.add
      (f32.add (f32x4.extract_lane 0 (local.get $v)) (f32x4.extract_lane 1 (local.get $v)))
      (f32.add (f32x4.extract_lane 2 (local.get $v)) (f32x4.extract_lane 3 (local.get $v)))))

  ;; x - x is 0 for finite x and NaN for ±Inf and NaN.
  (func $finite (param $x f32) (result i32)
    (f32.eq (f32.sub (local.get $x) (local.get $x)) (f32.const 0)))

  ;; Trains records [0, n) at $recs; returns the sum of their costs ½·f(x)·diff² (before each update).
  ;; $vecBytes: bytes of the padded vector part (the bias follows it); $u1/$u2: scratch of $vecBytes each.
  (func (export "train")
    (param $recs i32) (param $n i32) (param $W i32) (param $G i32) (param $V i32) (param $vecBytes i32)
    (param $eta f32) (param $clip f32) (param $u1 i32) (param $u2 i32) (result f64)
    (local $k i32) (local $rec i32) (local $i i32) (local $j i32) (local $rowBytes i32)
    (local $l1 i32) (local $l2 i32) (local $g1 i32) (local $g2 i32) (local $b i32)
    (local $acc v128) (local $w1 v128) (local $w2 v128) (local $t1 v128) (local $t2 v128)
    (local $gs1 v128) (local $gs2 v128) (local $up1 v128) (local $up2 v128) (local $s1 v128) (local $s2 v128)
    (local $fd4 v128) (local $eta4 v128) (local $clip4 v128) (local $nclip4 v128)
    (local $diff f32) (local $fdiff f32) (local $step f32) (local $cost f64)
    (local.set $rowBytes (i32.add (local.get $vecBytes) (i32.const 16)))
    (local.set $eta4 (f32x4.splat (local.get $eta)))
    (local.set $clip4 (f32x4.splat (local.get $clip)))
    (local.set $nclip4 (f32x4.splat (f32.neg (local.get $clip))))
    (block $done
      (loop $records
        (br_if $done (i32.ge_u (local.get $k) (local.get $n)))
        (local.set $rec (i32.add (local.get $recs) (i32.shl (local.get $k) (i32.const 4))))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (local.set $i (i32.load (local.get $rec)))
        (local.set $j (i32.load offset=4 (local.get $rec)))
        ;; Rows outside the vocabulary are skipped (unsigned compare also catches negatives).
        (br_if $records (i32.ge_u (local.get $i) (local.get $V)))
        (br_if $records (i32.ge_u (local.get $j) (local.get $V)))
        (local.set $l1 (i32.mul (local.get $i) (local.get $rowBytes)))
        (local.set $l2 (i32.mul (i32.add (local.get $j) (local.get $V)) (local.get $rowBytes)))
        (local.set $g1 (i32.add (local.get $G) (local.get $l1)))
        (local.set $g2 (i32.add (local.get $G) (local.get $l2)))
        (local.set $l1 (i32.add (local.get $W) (local.get $l1)))
        (local.set $l2 (i32.add (local.get $W) (local.get $l2)))
        ;; diff = w1·w2 + b1 + b2 − log x
        (local.set $acc (v128.const f32x4 0 0 0 0))
        (local.set $b (i32.const 0))
        (block $dotted
          (loop $dot
            (br_if $dotted (i32.ge_u (local.get $b) (local.get $vecBytes)))
            (local.set $acc (f32x4.add (local.get $acc)
              (f32x4.mul (v128.load (i32.add (local.get $l1) (local.get $b))) (v128.load (i32.add (local.get $l2) (local.get $b))))))
            (local.set $b (i32.add (local.get $b) (i32.const 16)))
            (br $dot)))
        (local.set $diff
          (f32.sub
            (f32.add (call $hsum (local.get $acc))
              (f32.add (f32.load (i32.add (local.get $l1) (local.get $vecBytes))) (f32.load (i32.add (local.get $l2) (local.get $vecBytes)))))
            (f32.load offset=8 (local.get $rec))))
        (local.set $fdiff (f32.mul (f32.load offset=12 (local.get $rec)) (local.get $diff)))
        (br_if $records (i32.eqz (call $finite (local.get $diff))))
        (br_if $records (i32.eqz (call $finite (local.get $fdiff))))
        (local.set $cost (f64.add (local.get $cost)
          (f64.mul (f64.const 0.5) (f64.mul (f64.promote_f32 (local.get $fdiff)) (f64.promote_f32 (local.get $diff))))))
        ;; AdaGrad steps of both vectors into the scratch; squared sums updated as in the reference.
        (local.set $fd4 (f32x4.splat (local.get $fdiff)))
        (local.set $s1 (v128.const f32x4 0 0 0 0))
        (local.set $s2 (v128.const f32x4 0 0 0 0))
        (local.set $b (i32.const 0))
        (block $stepped
          (loop $steps
            (br_if $stepped (i32.ge_u (local.get $b) (local.get $vecBytes)))
            (local.set $w1 (v128.load (i32.add (local.get $l1) (local.get $b))))
            (local.set $w2 (v128.load (i32.add (local.get $l2) (local.get $b))))
            (local.set $t1 (f32x4.mul (f32x4.min (f32x4.max (f32x4.mul (local.get $fd4) (local.get $w2)) (local.get $nclip4)) (local.get $clip4)) (local.get $eta4)))
            (local.set $t2 (f32x4.mul (f32x4.min (f32x4.max (f32x4.mul (local.get $fd4) (local.get $w1)) (local.get $nclip4)) (local.get $clip4)) (local.get $eta4)))
            (local.set $gs1 (v128.load (i32.add (local.get $g1) (local.get $b))))
            (local.set $gs2 (v128.load (i32.add (local.get $g2) (local.get $b))))
            (local.set $up1 (f32x4.div (local.get $t1) (f32x4.sqrt (local.get $gs1))))
            (local.set $up2 (f32x4.div (local.get $t2) (f32x4.sqrt (local.get $gs2))))
            (v128.store (i32.add (local.get $u1) (local.get $b)) (local.get $up1))
            (v128.store (i32.add (local.get $u2) (local.get $b)) (local.get $up2))
            (local.set $s1 (f32x4.add (local.get $s1) (local.get $up1)))
            (local.set $s2 (f32x4.add (local.get $s2) (local.get $up2)))
            (v128.store (i32.add (local.get $g1) (local.get $b)) (f32x4.add (local.get $gs1) (f32x4.mul (local.get $t1) (local.get $t1))))
            (v128.store (i32.add (local.get $g2) (local.get $b)) (f32x4.add (local.get $gs2) (f32x4.mul (local.get $t2) (local.get $t2))))
            (local.set $b (i32.add (local.get $b) (i32.const 16)))
            (br $steps)))
        ;; The vector steps are applied only when finite (the reference's guard).
        (if (i32.and (call $finite (call $hsum (local.get $s1))) (call $finite (call $hsum (local.get $s2))))
          (then
            (local.set $b (i32.const 0))
            (block $applied
              (loop $apply
                (br_if $applied (i32.ge_u (local.get $b) (local.get $vecBytes)))
                (v128.store (i32.add (local.get $l1) (local.get $b))
                  (f32x4.sub (v128.load (i32.add (local.get $l1) (local.get $b))) (v128.load (i32.add (local.get $u1) (local.get $b)))))
                (v128.store (i32.add (local.get $l2) (local.get $b))
                  (f32x4.sub (v128.load (i32.add (local.get $l2) (local.get $b))) (v128.load (i32.add (local.get $u2) (local.get $b)))))
                (local.set $b (i32.add (local.get $b) (i32.const 16)))
                (br $apply)))))
        ;; Biases: step fdiff/√(sum) without eta, as the reference; a non-finite step counts as 0.
        (local.set $step (f32.div (local.get $fdiff) (f32.sqrt (f32.load (i32.add (local.get $g1) (local.get $vecBytes))))))
        (if (call $finite (local.get $step))
          (then (f32.store (i32.add (local.get $l1) (local.get $vecBytes)) (f32.sub (f32.load (i32.add (local.get $l1) (local.get $vecBytes))) (local.get $step)))))
        (local.set $step (f32.div (local.get $fdiff) (f32.sqrt (f32.load (i32.add (local.get $g2) (local.get $vecBytes))))))
        (if (call $finite (local.get $step))
          (then (f32.store (i32.add (local.get $l2) (local.get $vecBytes)) (f32.sub (f32.load (i32.add (local.get $l2) (local.get $vecBytes))) (local.get $step)))))
        (local.set $fdiff (f32.mul (local.get $fdiff) (local.get $fdiff)))
        (f32.store (i32.add (local.get $g1) (local.get $vecBytes)) (f32.add (f32.load (i32.add (local.get $g1) (local.get $vecBytes))) (local.get $fdiff)))
        (f32.store (i32.add (local.get $g2) (local.get $vecBytes)) (f32.add (f32.load (i32.add (local.get $g2) (local.get $vecBytes))) (local.get $fdiff)))
        (br $records)))
    (local.get $cost))
)
