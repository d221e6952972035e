// The consumer printed its checks; the build failing on a non-zero exit is the real test, this
// makes sure the program ran to its end on the module path.
def log = new File(basedir, 'build.log').text
assert log.contains('[module-path] all checks passed') : 'the module-path consumer did not finish'
assert log.contains('[module-path] running as named module dev.baton.it.modulepath') : 'not on the module path'
return true
