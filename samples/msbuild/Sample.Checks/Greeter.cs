namespace Sample.Checks;

public static class Greeter
{
    // TODO greet in more languages
    public static string Greet(string name) => $"Hello, {name}!";
}
