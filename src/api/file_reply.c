/*
 * api/file_reply.c — reply with a document a library can only write to a file name.
 *
 * libxlsxwriter (1.1.4) has no in-memory output, so the XLSX responses (price changes, recon
 * differences) are written to a private temporary file (mkstemp in $TMPDIR or /tmp), read
 * back whole, sent, and the file removed — on every path. Capped at API_FILE_REPLY_MAX.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api/api.h"

void api_file_reply(struct api_resp *resp, api_file_writer write, const void *ctx,
                    const char *content_type, const char *filename)
{
    const char *dir = getenv("TMPDIR");
    char path[512], disposition[200], *buf = NULL;
    struct err err;
    long len = -1;
    FILE *f = NULL;
    int fd;

    err_clear(&err);
    snprintf(path, sizeof(path), "%s/cspd-reply-XXXXXX", dir && *dir ? dir : "/tmp");
    fd = mkstemp(path);
    if (fd < 0) {
        api_error_reply(resp, ERR_IO, "", "cannot create a temporary file: %s",
                        strerror(errno));
        return;
    }
    close(fd);
    if (write(ctx, path, &err) != 0) {
        unlink(path);
        api_err_reply(resp, &err);
        return;
    }
    if ((f = fopen(path, "rb")) && fseek(f, 0, SEEK_END) == 0 && (len = ftell(f)) > 0 &&
        len <= API_FILE_REPLY_MAX && fseek(f, 0, SEEK_SET) == 0 &&
        (buf = malloc((size_t)len)) && fread(buf, 1, (size_t)len, f) == (size_t)len) {
        api_text_reply(resp, 200, content_type, buf, (size_t)len);
        snprintf(disposition, sizeof(disposition), "attachment; filename=\"%s\"", filename);
        api_resp_header(resp, "Content-Disposition", disposition);
    } else {
        api_error_reply(resp, ERR_IO, "", "cannot read the document back");
    }
    free(buf);
    if (f)
        fclose(f);
    unlink(path);
}
