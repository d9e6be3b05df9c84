/*
 * domain/program/program_internal.h — small helpers shared by the program module's .c files.
 *
 * Not part of the module's interface (that is program.h); nothing outside
 * src/domain/program/ includes this file.
 */
#ifndef CSPD_DOMAIN_PROGRAM_INTERNAL_H
#define CSPD_DOMAIN_PROGRAM_INTERNAL_H

#include "domain/program/program.h"

/* A date field with year 0 is "not recorded" (program.h). */
static inline bool prog_date_known(struct date d)
{
    return d.year != 0;
}

/* What to call a party in a message: its name, else its id. */
static inline const char *prog_label(const char *name, const char *id)
{
    if (name && name[0])
        return name;
    if (id && id[0])
        return id;
    return "(unnamed)";
}

#define PARTNER_LABEL(p) prog_label((p)->name, (p)->id)
#define CUSTOMER_LABEL(c) prog_label((c)->name, (c)->id)

/* The region's label ("Europe") or the id itself when the label table has none. */
static inline const char *prog_region_label(const char *region_id)
{
    const struct program_region_info *ri = program_region_info(region_id);

    return ri ? ri->label : (region_id ? region_id : "(none)");
}

#endif
