/* Prints the built-in catalogue as "code:part_of" lines, for test_catalog_sync. */
#include <stdio.h>

#include "catalog.h"

int main(void)
{
    cchc_catalog_t *cat = cchc_catalog_builtin();
    if (!cat)
        return 1;
    for (size_t i = 0; i < cchc_catalog_indicator_count(cat); i++) {
        const char *code = cchc_catalog_indicator_at(cat, i);
        const char *part_of = cchc_catalog_part_of(cat, code);
        printf("%s:%s\n", code, part_of ? part_of : "");
    }
    cchc_catalog_destroy(&cat);
    return 0;
}
