global using TinyDocker.Testing;
