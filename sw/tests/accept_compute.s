# accept_compute: listens (tcp_listen: the port goes to the file "port"),
# submits one ACCEPT without waiting for it and counts loop iterations until
# its response is posted; then prints "iterations N" and exits 0. Under
# --host-io async --host-latency measured the CPU computes for as long as
# nobody connects; under the modelled latency the device waits for the
# host at the earliest cycle the response could be due, so N stays small.

        .equ    OP_ACCEPT, 0x42

        .text
        .globl  _start
_start:
        la      r3, port_file
        call    tcp_listen
        li      r4, -1
        beq     r1, r4, fail
        mv      r11, r1
        li      r3, OP_ACCEPT
        li      r4, 8
        li      r5, 0
        mv      r6, r11
        call    ring_submit
        li      r12, 0                  # iterations
        la      r7, __mmio_base
        lui     r2, 2                   # + 0x2000: RESP_HEAD, RESP_TAIL
        add     r13, r7, r2
1:      addi    r12, r12, 1
        ldw     r8, r13+0
        ldw     r9, r13+4
        beq     r8, r9, 1b
        call    ring_wait_response
        li      r4, -1
        beq     r1, r4, fail
        mv      r3, r1
        call    ring_close
        la      r3, iterations
        call    ring_puts
        mv      r3, r12
        call    ring_put_uint
        la      r3, newline
        call    ring_puts
        li      r3, 0
        call    ring_exit
fail:
        la      r3, failed
        call    ring_eputs
        call    ring_eput_errno
        li      r3, 1
        call    ring_exit

        .section .rodata
port_file:
        .asciz  "port"
iterations:
        .asciz  "iterations "
newline:
        .asciz  "\n"
failed:
        .asciz  "accept_compute: failed, "
