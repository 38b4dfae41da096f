package appliance

// repoRoot is the repository root, relative to this package.
const repoRoot = ".."
