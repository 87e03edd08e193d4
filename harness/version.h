/* drh's version, one place for --version, reports and evidence. */
#ifndef DRH_VERSION_H
#define DRH_VERSION_H
#define DRH_VERSION "0.1.0-dev"
#endif
