#ifndef GONHA_VERSION_H
#define GONHA_VERSION_H
#define GONHA_VERSION "0.1.0"
#endif
