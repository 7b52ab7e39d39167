#ifndef REINTEGRATION_CLIBPQ_SHIM_H
#define REINTEGRATION_CLIBPQ_SHIM_H
#include <libpq-fe.h>
#endif
