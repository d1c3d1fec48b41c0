# cmake --install: the three tools in bin/, their man pages (made from
# their --help text, so they never drift) in share/man/man1/, and the
# GTKWave view and filters in share/s32sim/waves/, where an installed s32sim
# looks for them (tb/s32sim/options.cpp, waves_dir).
include(GNUInstallDirs)

install(TARGETS s32sim s32as s32dis RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})

set(S32_MAN_PAGES)
foreach(tool_summary
    "s32sim|run a SLOW-32 executable on the SystemC/TLM virtual platform"
    "s32as|assemble and link SLOW-32 programs into .s32x executables"
    "s32dis|check and disassemble a SLOW-32 .s32x executable")
  string(REPLACE "|" ";" pair "${tool_summary}")
  list(GET pair 0 tool)
  list(GET pair 1 summary)
  set(page ${PROJECT_BINARY_DIR}/man/${tool}.1)
  add_custom_command(OUTPUT ${page}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${PROJECT_BINARY_DIR}/man
    COMMAND /usr/bin/python3 ${PROJECT_SOURCE_DIR}/scripts/help2roff.py $<TARGET_FILE:${tool}> ${summary} ${page}
            --replace ${PROJECT_SOURCE_DIR}/waves=PREFIX/share/s32sim/waves
    DEPENDS ${tool} ${PROJECT_SOURCE_DIR}/scripts/help2roff.py
    COMMENT "man page ${tool}.1" VERBATIM)
  list(APPEND S32_MAN_PAGES ${page})
endforeach()
add_custom_target(man ALL DEPENDS ${S32_MAN_PAGES})
install(FILES ${S32_MAN_PAGES} DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)

set(S32_WAVES_DEST ${CMAKE_INSTALL_DATADIR}/s32sim/waves)
install(FILES waves/cpu_state.gtkwfilter waves/opcode.gtkwfilter DESTINATION ${S32_WAVES_DEST})
# The source view names its filters at nominal absolute paths that GTKWave
# re-bases on the view's own location; the installed copy names the real
# installed paths, so it works even where re-basing does not apply.
install(CODE "
  set(dest \"\${CMAKE_INSTALL_PREFIX}/${S32_WAVES_DEST}\")
  if(NOT IS_ABSOLUTE \"\${dest}\")
    set(dest \"\${CMAKE_CURRENT_BINARY_DIR}/\${dest}\")
  endif()
  file(READ \"${PROJECT_SOURCE_DIR}/waves/s32sim.gtkw\" view)
  string(REPLACE \"/s32sim/waves/\" \"\${dest}/\" view \"\${view}\")
  file(WRITE \"\$ENV{DESTDIR}\${dest}/s32sim.gtkw\" \"\${view}\")
  message(STATUS \"Installing: \$ENV{DESTDIR}\${dest}/s32sim.gtkw\")
")
