namespace ScalePlanner.Simulator.Specs;

/// <summary>Construction-time checks that throw <see cref="SpecException"/> naming the field and the allowed range.</summary>
public static class Guard
{
    public static int Positive(string field, int value) =>
        value > 0 ? value : throw new SpecException(field, $"must be a positive integer, got {value}");

    public static double Positive(string field, double value) =>
        value > 0 && double.IsFinite(value) ? value : throw new SpecException(field, $"must be a positive number, got {value}");

    public static double NonNegative(string field, double value) =>
        value >= 0 && double.IsFinite(value) ? value : throw new SpecException(field, $"must be zero or a positive number, got {value}");

    public static int DividedBy(string field, int value, string byField, int divisor) =>
        value % divisor == 0 ? value : throw new SpecException(field, $"{value} is not divisible by {byField}={divisor}");
}
