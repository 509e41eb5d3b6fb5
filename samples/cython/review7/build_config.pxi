# The build's switches, shared by the modules that include this file.
DEF HAVE_PYMEM = 1
