# Writes a C++ source holding every db/sqlite/NNNN_name.sql as a raw string literal.
# Inputs: SQL_DIR, OUTPUT.
file(GLOB sql_files "${SQL_DIR}/[0-9][0-9][0-9][0-9]_*.sql")
list(SORT sql_files)
set(body "")
foreach(f ${sql_files})
  get_filename_component(name ${f} NAME_WE)
  string(SUBSTRING ${name} 0 4 num)
  math(EXPR num "${num} + 0")
  file(READ ${f} sql)
  string(APPEND body "        {${num}, \"${name}\", R\"ferrysql(${sql})ferrysql\"},\n")
endforeach()
file(WRITE ${OUTPUT}.tmp
"// Generated from db/sqlite by embed_migrations.cmake. Do not edit.\n#include \"store/migrations.h\"\n\nnamespace ferry::store {\n\nconst std::vector<Migration>& sqlite_migrations() {\n    static const std::vector<Migration> all = {\n${body}    };\n    return all;\n}\n\n}  // namespace ferry::store\n")
execute_process(COMMAND ${CMAKE_COMMAND} -E copy_if_different ${OUTPUT}.tmp ${OUTPUT})
