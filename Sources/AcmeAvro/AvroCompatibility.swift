/// Schema compatibility: can a reader with one schema read all data written with another?
///
/// The platform's evolution rule is backward compatibility: `check(reader: new, writer: old)` must find
/// nothing, so consumers on the new schema read every event already on the topic.
public enum AvroCompatibility {
    /// One reason the reader cannot read some of the writer's data.
    public struct Incompatibility: Sendable, Hashable, CustomStringConvertible {
        /// Where, e.g. `UsersEvent.payload<UserCreated>.email`.
        public var path: String
        public var message: String

        public var description: String { "\(path): \(message)" }
    }

    /// Every incompatibility found; empty when the reader can read all data the writer can write.
    public static func check(reader: AvroSchema, writer: AvroSchema) -> [Incompatibility] {
        do throws(AvroError) {
            var checker = try Checker(readerNames: AvroNames(reader), writerNames: AvroNames(writer))
            checker.check(reader: reader, writer: writer, path: reader.fullname.map(AvroSchema.simpleName) ?? reader.branchName)
            return checker.issues
        } catch {
            return [Incompatibility(path: "", message: error.description)]
        }
    }

    private struct Checker {
        let readerNames: AvroNames
        let writerNames: AvroNames
        var issues: [Incompatibility] = []
        /// Named pairs already being checked: recursive schemas would otherwise never end.
        var visited: Set<[String]> = []

        mutating func check(reader: AvroSchema, writer: AvroSchema, path: String) {
            let readerBase: AvroSchema
            let writerBase: AvroSchema
            do throws(AvroError) {
                readerBase = try readerNames.base(reader)
                writerBase = try writerNames.base(writer)
            } catch {
                issues.append(Incompatibility(path: path, message: error.description))
                return
            }
            if case .union(let writerBranches) = writerBase {
                for branch in writerBranches {
                    check(reader: reader, writer: branch, path: "\(path)<\(AvroSchema.simpleName(of: branch.branchName))>")
                }
                return
            }
            if case .union(let readerBranches) = readerBase {
                guard let index = try? AvroResolver.branch(in: readerBranches, for: writerBase, readerNames: readerNames) else {
                    issues.append(Incompatibility(path: path, message: "the reader's union has no branch for the writer's \(writerBase.branchName)"))
                    return
                }
                check(reader: readerBranches[index], writer: writerBase, path: path)
                return
            }
            switch (readerBase, writerBase) {
            case (.record(let readerRecord), .record(let writerRecord)):
                guard AvroResolver.namesMatch(writerRecord.fullname, readerRecord.fullname, readerRecord.aliases) else {
                    issues.append(Incompatibility(path: path, message: "record \(writerRecord.fullname) was renamed to \(readerRecord.fullname) without an alias"))
                    return
                }
                guard visited.insert([readerRecord.fullname, writerRecord.fullname]).inserted else { return }
                for readerField in readerRecord.fields {
                    let fieldPath = path + "." + readerField.name
                    if let writerField = writerRecord.fields.first(where: { $0.name == readerField.name || readerField.aliases.contains($0.name) }) {
                        check(reader: readerField.type, writer: writerField.type, path: fieldPath)
                    } else if readerField.default == nil {
                        issues.append(Incompatibility(path: fieldPath, message: "field added without a default"))
                    }
                }
            case (.enumeration(let readerEnum), .enumeration(let writerEnum)):
                guard AvroResolver.namesMatch(writerEnum.fullname, readerEnum.fullname, readerEnum.aliases) else {
                    issues.append(Incompatibility(path: path, message: "enum \(writerEnum.fullname) was renamed to \(readerEnum.fullname) without an alias"))
                    return
                }
                let missing = writerEnum.symbols.filter { !readerEnum.symbols.contains($0) }
                if !missing.isEmpty, readerEnum.default == nil {
                    issues.append(Incompatibility(path: path, message: "symbols \(missing.joined(separator: ", ")) removed and the enum has no default"))
                }
            case (.fixed(let readerFixed), .fixed(let writerFixed)):
                if !AvroResolver.namesMatch(writerFixed.fullname, readerFixed.fullname, readerFixed.aliases) {
                    issues.append(Incompatibility(path: path, message: "fixed \(writerFixed.fullname) was renamed to \(readerFixed.fullname) without an alias"))
                } else if readerFixed.size != writerFixed.size {
                    issues.append(Incompatibility(path: path, message: "fixed size changed from \(writerFixed.size) to \(readerFixed.size)"))
                }
            case (.array(let readerItems), .array(let writerItems)):
                check(reader: readerItems, writer: writerItems, path: path + "[]")
            case (.map(let readerValues), .map(let writerValues)):
                check(reader: readerValues, writer: writerValues, path: path + "{}")
            default:
                if !(AvroResolver.sameKind(writerBase, readerBase) || AvroResolver.promotes(writerBase, to: readerBase)) {
                    issues.append(Incompatibility(path: path, message: "type changed from \(writerBase.branchName) to \(readerBase.branchName)"))
                }
            }
        }
    }
}
