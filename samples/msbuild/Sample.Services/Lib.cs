namespace Sample.Services;

public static class Lib
{
    public static string Name => "Sample.Services";
}
