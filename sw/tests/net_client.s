# net_client: connects to 127.0.0.1 at the port net_server wrote to the file
# "port" and sends it the file "send.bin", then closes the connection. Exit
# status 0, or 1 (with a line on stderr) at the first failure.

        .equ    OP_READ, 0x04
        .equ    OP_SEND, 0x43
        .equ    O_READ, 1

        .text
        .globl  _start
_start:
        la      r3, port_file
        call    tcp_connect
        li      r4, -1
        beq     r1, r4, fail
        mv      r11, r1
        la      r3, in_file
        li      r4, O_READ
        call    ring_open
        li      r4, -1
        beq     r1, r4, fail
        mv      r12, r1
        li      r3, OP_READ
        mv      r4, r12
        li      r5, OP_SEND
        mv      r6, r11
        call    copy_stream
        li      r4, -1
        beq     r1, r4, fail
        mv      r3, r12
        call    ring_close
        mv      r3, r11
        call    ring_close
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
in_file:
        .asciz  "send.bin"
failed:
        .asciz  "net_client: failed, "
