# Writes OUT, a C file holding every migration in FILES (sorted) as
#   const cchc_migration_t cchc_migrations[]; const size_t cchc_migration_count;
# Run by CMake at build time (cmake -P); see collector/migrate.h.
set(body "/* Generated from the sql/ migrations by cmake/embed_migrations.cmake. Do not edit. */\n")
string(APPEND body "#include \"migrate.h\"\n\n")
set(table "")
set(i 0)
string(REPLACE "|" ";" FILES "${FILES}")
foreach(f ${FILES})
  get_filename_component(name ${f} NAME)
  file(READ ${f} hex HEX)
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," hex "${hex}")
  string(APPEND body "static const char m${i}[] = {${hex}0x00};\n")
  string(APPEND table "    {\"${name}\", m${i}},\n")
  math(EXPR i "${i}+1")
endforeach()
string(APPEND body "\nconst cchc_migration_t cchc_migrations[] = {\n${table}};\n")
string(APPEND body "const size_t cchc_migration_count = ${i};\n")
file(WRITE ${OUT} "${body}")
