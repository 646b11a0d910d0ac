// Runs in: the host tool (writes the spec), the container's init, the exec helper and the detached
// supervisor (read it).
using System.Globalization;
using System.Text.Json;
using TinyDocker.Runtime.Rootless;

namespace TinyDocker.Runtime.Spec;

/// <summary>
/// The spec as JSON, written with <see cref="Utf8JsonWriter"/> and read with <see cref="Utf8JsonReader"/>
/// by hand. The source-generated serializer builds its metadata again in every process, reflection
/// over each type's attributes included: measured, a seventh of a run's CPU, paid by the tool and by
/// the init (bench/notes.md). The JSON is the one <see cref="SpecJson"/> would write (camelCase
/// names, TimeSpan as "c"); each side reads the other's (SpecWireTests), and names it does not know
/// are skipped, as the serializer skips them.
/// </summary>
public static class SpecWire
{
    private static readonly JsonWriterOptions Indented = new() { Indented = true, Encoder = HandWrittenJson.Encoder };

    public static byte[] ToUtf8(ContainerSpec spec)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(2048);
        using (var w = new Utf8JsonWriter(buffer, Indented))
        {
            Write(w, spec);
        }
        return buffer.WrittenSpan.ToArray();
    }

    public static string ToText(ContainerSpec spec) => System.Text.Encoding.UTF8.GetString(ToUtf8(spec));

    /// <summary>Reads one spec; malformed input, a missing required field or a wrong type is a <see cref="JsonException"/>.</summary>
    public static ContainerSpec FromUtf8(ReadOnlySpan<byte> json)
    {
        var r = new Utf8JsonReader(json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow });
        if (!r.Read() || r.TokenType == JsonTokenType.Null)
        {
            throw new JsonException("the spec is empty");
        }
        var spec = ReadSpec(ref r);
        if (r.Read())
        {
            throw new JsonException("the spec has content after its end");
        }
        return spec;
    }

    public static ContainerSpec FromStream(Stream stream)
    {
        using var memory = new MemoryStream();
        stream.CopyTo(memory);
        return FromUtf8(memory.GetBuffer().AsSpan(0, (int)memory.Length));
    }

    private static void Write(Utf8JsonWriter w, ContainerSpec s)
    {
        w.WriteStartObject();
        w.WriteString("name", s.Name);
        w.WriteString("hostname", s.Hostname);
        Strings(w, "layers", s.Layers);
        w.WriteString("imageId", s.ImageId);
        Strings(w, "command", s.Command);
        Strings(w, "env", s.Env);
        w.WriteString("workingDir", s.WorkingDir);
        w.WriteString("sharedDir", s.SharedDir);
        w.WriteString("stateRoot", s.StateRoot);
        w.WriteString("dataRoot", s.DataRoot);
        w.WriteStartArray("volumes");
        foreach (var v in s.Volumes)
        {
            w.WriteStartObject();
            w.WriteString("source", v.Source);
            w.WriteString("target", v.Target);
            w.WriteBoolean("readOnly", v.ReadOnly);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartArray("tmpfs");
        foreach (var t in s.Tmpfs)
        {
            w.WriteStartObject();
            w.WriteString("target", t.Target);
            w.WriteString("options", t.Options);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteBoolean("readOnlyRoot", s.ReadOnlyRoot);
        w.WriteStartArray("copyOut");
        foreach (var c in s.CopyOut)
        {
            w.WriteStartObject();
            w.WriteString("containerPath", c.ContainerPath);
            w.WriteString("hostPath", c.HostPath);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        if (s.User is { } user)
        {
            w.WriteStartObject("user");
            w.WriteNumber("uid", user.Uid);
            w.WriteNumber("gid", user.Gid);
            w.WriteEndObject();
        }
        else
        {
            w.WriteNull("user");
        }
        w.WriteString("network", s.Network);
        w.WriteStartArray("ports");
        foreach (var p in s.Ports)
        {
            w.WriteStartObject();
            w.WriteString("hostIp", p.HostIp);
            w.WriteNumber("hostPort", p.HostPort);
            w.WriteNumber("containerPort", p.ContainerPort);
            w.WriteString("protocol", p.Protocol);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartObject("limits");
        HandWrittenJson.Number(w, "memoryBytes", s.Limits.MemoryBytes);
        HandWrittenJson.Number(w, "memorySwapBytes", s.Limits.MemorySwapBytes);
        HandWrittenJson.Number(w, "pidsLimit", s.Limits.PidsLimit);
        if (s.Limits.Cpus is { } cpus)
        {
            w.WriteNumber("cpus", cpus);
        }
        else
        {
            w.WriteNull("cpus");
        }
        w.WriteEndObject();
        w.WriteString("timeout", s.Timeout?.ToString("c", CultureInfo.InvariantCulture));
        w.WriteString("stopTimeout", s.StopTimeout.ToString("c", CultureInfo.InvariantCulture));
        w.WriteBoolean("dieWithParent", s.DieWithParent);
        w.WriteString("jsonStatusPath", s.JsonStatusPath);
        w.WriteString("keepUpperDir", s.KeepUpperDir);
        Strings(w, "capabilities", s.Capabilities);
        w.WriteString("seccomp", s.Seccomp);
        w.WriteBoolean("privileged", s.Privileged);
        HandWrittenJson.Number(w, "debugSince", s.DebugSince);
        w.WriteBoolean("tty", s.Tty);
        w.WriteBoolean("interactive", s.Interactive);
        w.WriteBoolean("detached", s.Detached);
        w.WriteBoolean("removeOnExit", s.RemoveOnExit);
        w.WriteNumber("logMaxBytes", s.LogMaxBytes);
        if (s.UserNamespace is { } map)
        {
            w.WriteStartObject("userNamespace");
            w.WriteNumber("uid", map.Uid);
            w.WriteNumber("gid", map.Gid);
            Range(w, "users", map.Users);
            Range(w, "groups", map.Groups);
            w.WriteEndObject();
        }
        else
        {
            w.WriteNull("userNamespace");
        }
        w.WriteEndObject();
    }

    private static void Strings(Utf8JsonWriter w, string name, string[] values)
    {
        w.WriteStartArray(name);
        foreach (var v in values)
        {
            w.WriteStringValue(v);
        }
        w.WriteEndArray();
    }

    private static void Range(Utf8JsonWriter w, string name, SubordinateRange? range)
    {
        if (range is null)
        {
            w.WriteNull(name);
            return;
        }
        w.WriteStartObject(name);
        w.WriteNumber("start", range.Start);
        w.WriteNumber("count", range.Count);
        w.WriteEndObject();
    }

    /// <summary>Only what a spec must carry for the init to act on it; every other field has its default.</summary>
    private static readonly ContainerSpec Blank = new()
    {
        Name = "", Hostname = "", Layers = [], Command = [], Env = [], WorkingDir = "", StateRoot = "",
    };

    private static ContainerSpec ReadSpec(ref Utf8JsonReader r)
    {
        Expect(ref r, JsonTokenType.StartObject);
        var s = Blank;
        bool name = false, hostname = false, layers = false, command = false, env = false, workingDir = false, stateRoot = false;
        while (NextProperty(ref r) is { } property)
        {
            switch (property)
            {
                case "name": s = s with { Name = String(ref r) }; name = true; break;
                case "hostname": s = s with { Hostname = String(ref r) }; hostname = true; break;
                case "layers": s = s with { Layers = Strings(ref r) }; layers = true; break;
                case "imageId": s = s with { ImageId = NullableString(ref r) }; break;
                case "command": s = s with { Command = Strings(ref r) }; command = true; break;
                case "env": s = s with { Env = Strings(ref r) }; env = true; break;
                case "workingDir": s = s with { WorkingDir = String(ref r) }; workingDir = true; break;
                case "sharedDir": s = s with { SharedDir = NullableString(ref r) }; break;
                case "stateRoot": s = s with { StateRoot = String(ref r) }; stateRoot = true; break;
                case "dataRoot": s = s with { DataRoot = NullableString(ref r) }; break;
                case "volumes": s = s with { Volumes = Volumes(ref r) }; break;
                case "tmpfs": s = s with { Tmpfs = Tmpfs(ref r) }; break;
                case "readOnlyRoot": s = s with { ReadOnlyRoot = Boolean(ref r) }; break;
                case "copyOut": s = s with { CopyOut = CopyOuts(ref r) }; break;
                case "user": s = s with { User = User(ref r) }; break;
                case "network": s = s with { Network = String(ref r) }; break;
                case "ports": s = s with { Ports = Ports(ref r) }; break;
                case "limits": s = s with { Limits = Limits(ref r) }; break;
                case "timeout": s = s with { Timeout = NullableString(ref r) is { } t ? Duration(t) : null }; break;
                case "stopTimeout": s = s with { StopTimeout = Duration(String(ref r)) }; break;
                case "dieWithParent": s = s with { DieWithParent = Boolean(ref r) }; break;
                case "jsonStatusPath": s = s with { JsonStatusPath = NullableString(ref r) }; break;
                case "keepUpperDir": s = s with { KeepUpperDir = NullableString(ref r) }; break;
                case "capabilities": s = s with { Capabilities = Strings(ref r) }; break;
                case "seccomp": s = s with { Seccomp = String(ref r) }; break;
                case "privileged": s = s with { Privileged = Boolean(ref r) }; break;
                case "debugSince": s = s with { DebugSince = NullableInt64(ref r) }; break;
                case "tty": s = s with { Tty = Boolean(ref r) }; break;
                case "interactive": s = s with { Interactive = Boolean(ref r) }; break;
                case "detached": s = s with { Detached = Boolean(ref r) }; break;
                case "removeOnExit": s = s with { RemoveOnExit = Boolean(ref r) }; break;
                case "logMaxBytes": s = s with { LogMaxBytes = Int64(ref r) }; break;
                case "userNamespace": s = s with { UserNamespace = Map(ref r) }; break;
                default: r.Skip(); break;
            }
        }
        if (!(name && hostname && layers && command && env && workingDir && stateRoot))
        {
            throw new JsonException("the spec lacks one of name, hostname, layers, command, env, workingDir, stateRoot");
        }
        return s;
    }

    /// <summary>Moves to the next property's value and returns its name, or null at the object's end.</summary>
    private static string? NextProperty(ref Utf8JsonReader r)
    {
        Read(ref r);
        if (r.TokenType == JsonTokenType.EndObject)
        {
            return null;
        }
        if (r.TokenType != JsonTokenType.PropertyName)
        {
            throw new JsonException($"a property name expected, {r.TokenType} found");
        }
        string name = r.GetString()!;
        Read(ref r);
        return name;
    }

    private static void Read(ref Utf8JsonReader r)
    {
        if (!r.Read())
        {
            throw new JsonException("the spec ends too early");
        }
    }

    private static void Expect(ref Utf8JsonReader r, JsonTokenType type)
    {
        if (r.TokenType != type)
        {
            throw new JsonException($"{type} expected, {r.TokenType} found");
        }
    }

    private static bool IsNull(ref Utf8JsonReader r) => r.TokenType == JsonTokenType.Null;

    private static string String(ref Utf8JsonReader r)
    {
        Expect(ref r, JsonTokenType.String);
        return r.GetString()!;
    }

    private static string? NullableString(ref Utf8JsonReader r) => IsNull(ref r) ? null : String(ref r);

    private static bool Boolean(ref Utf8JsonReader r)
        => r.TokenType switch
        {
            JsonTokenType.True => true,
            JsonTokenType.False => false,
            _ => throw new JsonException($"true or false expected, {r.TokenType} found"),
        };

    private static long Int64(ref Utf8JsonReader r)
    {
        Expect(ref r, JsonTokenType.Number);
        return r.GetInt64();
    }

    private static long? NullableInt64(ref Utf8JsonReader r) => IsNull(ref r) ? null : Int64(ref r);

    private static int Int32(ref Utf8JsonReader r)
    {
        Expect(ref r, JsonTokenType.Number);
        return r.GetInt32();
    }

    private static uint UInt32(ref Utf8JsonReader r)
    {
        Expect(ref r, JsonTokenType.Number);
        return r.GetUInt32();
    }

    private static TimeSpan Duration(string text)
        => TimeSpan.TryParseExact(text, "c", CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new JsonException($"`{text}` is not a duration");

    private static string[] Strings(ref Utf8JsonReader r)
    {
        Expect(ref r, JsonTokenType.StartArray);
        var values = new List<string>();
        while (true)
        {
            Read(ref r);
            if (r.TokenType == JsonTokenType.EndArray)
            {
                return [.. values];
            }
            values.Add(String(ref r));
        }
    }

    /// <summary>Calls <paramref name="onProperty"/> for each property of an object, on its value.</summary>
    private delegate void PropertyReader(ref Utf8JsonReader r, string name);

    private static void Object(ref Utf8JsonReader r, PropertyReader onProperty)
    {
        Expect(ref r, JsonTokenType.StartObject);
        while (NextProperty(ref r) is { } name)
        {
            onProperty(ref r, name);
        }
    }

    private static T[] Array<T>(ref Utf8JsonReader r, ReadOne<T> one)
    {
        Expect(ref r, JsonTokenType.StartArray);
        var values = new List<T>();
        while (true)
        {
            Read(ref r);
            if (r.TokenType == JsonTokenType.EndArray)
            {
                return [.. values];
            }
            values.Add(one(ref r));
        }
    }

    private delegate T ReadOne<T>(ref Utf8JsonReader r);

    private static Volume[] Volumes(ref Utf8JsonReader r) => Array(ref r, static (ref Utf8JsonReader item) =>
    {
        string? source = null, target = null;
        bool readOnly = false;
        Object(ref item, (ref Utf8JsonReader value, string name) =>
        {
            switch (name)
            {
                case "source": source = String(ref value); break;
                case "target": target = String(ref value); break;
                case "readOnly": readOnly = Boolean(ref value); break;
                default: value.Skip(); break;
            }
        });
        return new Volume(source ?? throw Missing("volume", "source"), target ?? throw Missing("volume", "target"), readOnly);
    });

    private static TmpfsMount[] Tmpfs(ref Utf8JsonReader r) => Array(ref r, static (ref Utf8JsonReader item) =>
    {
        string? target = null, options = null;
        Object(ref item, (ref Utf8JsonReader value, string name) =>
        {
            switch (name)
            {
                case "target": target = String(ref value); break;
                case "options": options = String(ref value); break;
                default: value.Skip(); break;
            }
        });
        return new TmpfsMount(target ?? throw Missing("tmpfs", "target"), options ?? throw Missing("tmpfs", "options"));
    });

    private static CopyOut[] CopyOuts(ref Utf8JsonReader r) => Array(ref r, static (ref Utf8JsonReader item) =>
    {
        string? container = null, host = null;
        Object(ref item, (ref Utf8JsonReader value, string name) =>
        {
            switch (name)
            {
                case "containerPath": container = String(ref value); break;
                case "hostPath": host = String(ref value); break;
                default: value.Skip(); break;
            }
        });
        return new CopyOut(container ?? throw Missing("copyOut", "containerPath"), host ?? throw Missing("copyOut", "hostPath"));
    });

    private static PortMapping[] Ports(ref Utf8JsonReader r) => Array(ref r, static (ref Utf8JsonReader item) =>
    {
        string? hostIp = null, protocol = null;
        int? hostPort = null, containerPort = null;
        Object(ref item, (ref Utf8JsonReader value, string name) =>
        {
            switch (name)
            {
                case "hostIp": hostIp = String(ref value); break;
                case "hostPort": hostPort = Int32(ref value); break;
                case "containerPort": containerPort = Int32(ref value); break;
                case "protocol": protocol = String(ref value); break;
                default: value.Skip(); break;
            }
        });
        var port = new PortMapping(hostIp ?? throw Missing("port", "hostIp"), hostPort ?? throw Missing("port", "hostPort"),
            containerPort ?? throw Missing("port", "containerPort"));
        return protocol is null ? port : port with { Protocol = protocol };
    });

    private static UserIds? User(ref Utf8JsonReader r)
    {
        if (IsNull(ref r))
        {
            return null;
        }
        uint? uid = null, gid = null;
        Object(ref r, (ref Utf8JsonReader value, string name) =>
        {
            switch (name)
            {
                case "uid": uid = UInt32(ref value); break;
                case "gid": gid = UInt32(ref value); break;
                default: value.Skip(); break;
            }
        });
        return new UserIds(uid ?? throw Missing("user", "uid"), gid ?? throw Missing("user", "gid"));
    }

    private static ResourceLimits Limits(ref Utf8JsonReader r)
    {
        var limits = new ResourceLimits();
        Object(ref r, (ref Utf8JsonReader value, string name) =>
        {
            switch (name)
            {
                case "memoryBytes": limits = limits with { MemoryBytes = NullableInt64(ref value) }; break;
                case "memorySwapBytes": limits = limits with { MemorySwapBytes = NullableInt64(ref value) }; break;
                case "pidsLimit": limits = limits with { PidsLimit = NullableInt64(ref value) }; break;
                case "cpus":
                    if (IsNull(ref value))
                    {
                        limits = limits with { Cpus = null };
                    }
                    else
                    {
                        Expect(ref value, JsonTokenType.Number);
                        limits = limits with { Cpus = value.GetDouble() };
                    }
                    break;
                default: value.Skip(); break;
            }
        });
        return limits;
    }

    private static IdMap? Map(ref Utf8JsonReader r)
    {
        if (IsNull(ref r))
        {
            return null;
        }
        uint? uid = null, gid = null;
        SubordinateRange? users = null, groups = null;
        Object(ref r, (ref Utf8JsonReader value, string name) =>
        {
            switch (name)
            {
                case "uid": uid = UInt32(ref value); break;
                case "gid": gid = UInt32(ref value); break;
                case "users": users = SubRange(ref value); break;
                case "groups": groups = SubRange(ref value); break;
                default: value.Skip(); break;
            }
        });
        return new IdMap(uid ?? throw Missing("userNamespace", "uid"), gid ?? throw Missing("userNamespace", "gid"), users, groups);
    }

    private static SubordinateRange? SubRange(ref Utf8JsonReader r)
    {
        if (IsNull(ref r))
        {
            return null;
        }
        uint? start = null, count = null;
        Object(ref r, (ref Utf8JsonReader value, string name) =>
        {
            switch (name)
            {
                case "start": start = UInt32(ref value); break;
                case "count": count = UInt32(ref value); break;
                default: value.Skip(); break;
            }
        });
        return new SubordinateRange(start ?? throw Missing("range", "start"), count ?? throw Missing("range", "count"));
    }

    private static JsonException Missing(string what, string field) => new($"the spec's {what} lacks `{field}`");
}
