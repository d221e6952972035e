// For each artifact, compares what a consumer of that artifact alone resolved with what Baton's
// own build of the module resolved and tested (target/tested-dependencies.txt):
//  - everything the consumer resolved was in the tested set, at the same version;
//  - everything the published (flattened) POM promises was resolved.
// The tested set may hold more: a module's optional dependencies (the testkit's Testcontainers
// and what only it brings) are the module's, not its consumers'.
def ARTIFACTS = [
    'baton-locks'      : 'locks/core',
    'baton-locks-redis': 'locks/redis',
    'baton-locks-etcd' : 'locks/etcd',
    'baton-locks-jdbc' : 'locks/jdbc',
    'baton-cache'      : 'cache/core',
    'baton-cache-redis': 'cache/redis',
    'baton-db-tx'      : 'db-tx',
    'baton-validation' : 'validation',
    'baton-testkit'    : 'testkit',
]
def root = new File(batonRoot)

// dependency:list lines "   g:a:type[:classifier]:version:scope[ (optional)][ -- module x]" -> "g:a:version"
def listed = { File f ->
  def out = [] as Set
  f.eachLine { line ->
    def m = line =~ /^\s+([^\s:]+):([^\s:]+):[^\s]*:([^\s:]+):(compile|runtime)\b/
    if (m.find()) {
      out << "${m.group(1)}:${m.group(2)}:${m.group(3)}".toString()
    }
  }
  out
}
// the published POM's dependencies that a consumer gets: not test, provided or optional
def published = { File pom ->
  def project = new groovy.xml.XmlSlurper().parse(pom)
  project.dependencies.dependency.findAll {
    it.groupId.text() != 'dev.baton' && it.optional.text() != 'true' &&
        !(it.scope.text() in ['test', 'provided', 'system'])
  }.collect { "${it.groupId.text()}:${it.artifactId.text()}:${it.version.text()}".toString() } as Set
}

def failures = []
ARTIFACTS.each { artifact, module ->
  def resolvedFile = new File(basedir, "${artifact}/target/resolved.txt")
  def testedFile = new File(root, "${module}/target/tested-dependencies.txt")
  def pomFile = new File(root, "${module}/.flattened-pom.xml")
  for (f in [resolvedFile, testedFile, pomFile]) {
    if (!f.isFile()) { failures << "${artifact}: ${f} was not written"; return }
  }
  def resolved = listed(resolvedFile)
  def tested = listed(testedFile)
  def promised = published(pomFile)
  def untested = resolved - tested
  def unresolved = promised - resolved
  if (untested || unresolved) {
    failures << "${artifact}: resolved but not tested at that version: ${untested.sort()};" +
        " published but not resolved: ${unresolved.sort()}"
  } else {
    println "[consumers] ${artifact}: ${resolved.size() + 1} jars (itself + ${resolved.size()}" +
        " dependencies); converges; every version is the one Baton's build tested"
  }
}
if (failures) {
  failures.each { println "[consumers] FAIL ${it}" }
  throw new AssertionError("consumer resolution differs from Baton's tested versions:\n  " + failures.join("\n  "))
}
return true
