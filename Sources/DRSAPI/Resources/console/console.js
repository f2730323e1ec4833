// drs console
