using System.Globalization;
using Microsoft.Extensions.Configuration;
using ScalePlanner.Simulator.Specs;

namespace ScalePlanner.Planner.Scenarios;

/// <summary>Typed reads of one scenario section; every failure names the field (section.key) and what is allowed.</summary>
public sealed class ConfigReader(IConfiguration section, string path)
{
    public string Path { get; } = path;

    public bool Has(string key) => section[key] is not null || section.GetSection(key).GetChildren().Any();

    public ConfigReader Section(string key) => new(section.GetSection(key), Path.Length == 0 ? key : $"{Path}.{key}");

    public IEnumerable<ConfigReader> Items() => section.GetChildren().Select(c => new ConfigReader(c, $"{Path}[{c.Key}]"));

    /// <summary>Rejects keys this section does not know, so a typo is not silently ignored.</summary>
    public ConfigReader OnlyKeys(params string[] allowed)
    {
        foreach (var child in section.GetChildren())
        {
            if (!allowed.Contains(child.Key, StringComparer.OrdinalIgnoreCase))
                throw new SpecException(Path.Length == 0 ? child.Key : $"{Path}.{child.Key}", $"unknown key; allowed: {string.Join(' ', allowed)}");
        }
        return this;
    }

    public string? String(string key) => section[key];

    public string RequiredString(string key) => section[key] ?? throw Missing(key, "a string");

    public int? Int(string key)
    {
        string? text = section[key];
        if (text is null) return null;
        return int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int value)
            ? value
            : throw new SpecException($"{Path}.{key}", $"must be an integer, got '{text}'");
    }

    public int RequiredInt(string key) => Int(key) ?? throw Missing(key, "an integer");

    public double? Double(string key)
    {
        string? text = section[key];
        if (text is null) return null;
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) && double.IsFinite(value)
            ? value
            : throw new SpecException($"{Path}.{key}", $"must be a number, got '{text}'");
    }

    public double RequiredDouble(string key) => Double(key) ?? throw Missing(key, "a number");

    /// <summary>A list of integers, or one integer read as a list of one; null when absent.</summary>
    public int[]? IntList(string key)
    {
        var child = Section(key);
        var items = section.GetSection(key).GetChildren().ToList();
        if (items.Count == 0) return Int(key) is { } single ? [single] : null;
        return [.. items.Select(i => child.Int(i.Key) ?? throw new SpecException($"{child.Path}[{i.Key}]", "must be an integer"))];
    }

    /// <summary>A list of strings, or one string read as a list of one; null when absent.</summary>
    public string[]? StringList(string key)
    {
        var items = section.GetSection(key).GetChildren().ToList();
        if (items.Count == 0) return String(key) is { } single ? [single] : null;
        return [.. items.Select(i => i.Value ?? throw new SpecException($"{Path}.{key}[{i.Key}]", "must be a value, not an object"))];
    }

    public bool? Bool(string key)
    {
        string? text = section[key];
        if (text is null) return null;
        return bool.TryParse(text, out bool value) ? value : throw new SpecException($"{Path}.{key}", $"must be true or false, got '{text}'");
    }

    public T? Choice<T>(string key, IReadOnlyDictionary<string, T> options) where T : struct
    {
        string? text = section[key];
        if (text is null) return null;
        return options.TryGetValue(text.ToLowerInvariant(), out var value)
            ? value
            : throw new SpecException($"{Path}.{key}", $"unknown value '{text}'; allowed: {string.Join(' ', options.Keys)}");
    }

    private SpecException Missing(string key, string what) => new($"{Path}.{key}", $"is required ({what})");
}
