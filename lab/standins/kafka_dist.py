"""What a Kafka binary distribution says about itself, for the Kafka stand-ins (broker and tools).

A release tarball `kafka_<scala>-<version>.tgz` puts the broker's jar at `libs/kafka_<scala>-<version>.jar` (next
to its -sources, -javadoc, -scaladoc, -test jars: build.gradle `releaseTarGz`, apache/kafka 2.3.0); the tools
print `<version> (Commit:<16 hex>)` on `--version` from 2.3.0 on (kafka.utils.VersionInfo, CommandDefaultOptions'
versionOpt; 2.2.x has no such option). The stand-ins take their version from the jar's name, so that one set of
scripts behaves as whichever version the install is: 2.3.0 at the site, 2.8.1 where the lab's ADM deployed.
"""
import glob
import os
import re

# git rev-parse <tag>, first 16 characters (build.gradle determineCommitId), for the versions the lab installs.
COMMITS = {'2.2.1': '55783d3133a5a49a', '2.3.0': 'fc1aaa116b661c8a', '2.8.1': '839b886f9b732b15'}


def install_home(script):
    """HOME of the install a bin/ script belongs to (the script's real directory's parent)."""
    return os.path.dirname(os.path.dirname(os.path.abspath(script)))


def install_version(home):
    """The version of the install's core jar (libs/kafka_2.12-2.3.0.jar → '2.3.0'), or None."""
    found = set()
    for jar in glob.glob(os.path.join(home, 'libs', 'kafka_*.jar')):
        m = re.match(r'kafka_\d+\.\d+-(\d+\.\d+\.\d+)\.jar$', os.path.basename(jar))
        if m:
            found.add(m.group(1))
    return found.pop() if len(found) == 1 else None


def version_tuple(version):
    return tuple(int(x) for x in version.split('.')) if version and re.match(r'^\d+\.\d+\.\d+$', version) else (0, 0, 0)


def version_string(version):
    """What `--version` prints (kafka.utils.VersionInfo.getVersionString)."""
    return f"{version} (Commit:{COMMITS.get(version, 'unknown')})"
