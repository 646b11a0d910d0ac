namespace Sample.Tests;

/// <summary>A little code for the coverage collector to count (coverage.runsettings includes this assembly).</summary>
public static class Thermometer
{
    public static string Describe(double celsius) => celsius switch
    {
        < 0 => "freezing",
        < 20 => "cool",
        _ => "warm",
    };
}
