// Runs in: the container's init (PID 1 of the new PID namespace), started by the supervisor's
// namespace thread as `tinydocker-init SPEC`; the same code as the CLI's hidden `__init` mode.
using TinyDocker.Runtime;
using TinyDocker.Runtime.Init;

// Before anything else: an exception on any thread is one line and 125.
LastChance.Install();
return args is [var specPath] ? ContainerInit.Run(specPath) : ExitCodes.TinyDockerError;
