import AcmeServer
import Configuration
import Testing

@Suite struct ConfigTests {
    @Test func defaultsServeLocalhost8080FromDataDir() throws {
        let config = try AcmeConfig(reader: ConfigReader(provider: InMemoryProvider(values: [:])))
        #expect(config.host == "127.0.0.1" && config.port == 8080 && config.dataDir == "./data")
        #expect(config.bcryptCost == 12)
        #expect(config.sqliteDurability == .full)
    }

    @Test func earlierProvidersWinAndEnvironmentNamesMap() throws {
        let flags = InMemoryProvider(values: ["port": 9000])
        let environment = EnvironmentVariablesProvider(environmentVariables: [
            "ACME_PORT": "9100", "ACME_DATA_DIR": "/var/lib/acme", "ACME_BCRYPT_COST": "4",
            "ACME_CORS_ORIGINS": "https://a.example,https://b.example", "ACME_LOG_LEVEL": "debug",
        ]).prefixKeys(with: "acme")
        let config = try AcmeConfig(reader: ConfigReader(providers: [flags, environment]))
        #expect(config.port == 9000)
        #expect(config.dataDir == "/var/lib/acme")
        #expect(config.bcryptCost == 4)
        #expect(config.corsOrigins == ["https://a.example", "https://b.example"])
        #expect(config.logLevel == .debug)
    }

    @Test func invalidValuesAreRejectedWithAMessage() {
        let cases: [[AbsoluteConfigKey: ConfigValue]] = [
            ["port": 70000], ["bcrypt.cost": 3], ["log.level": "loud"], ["sqlite.durability": "sometimes"],
            ["event.partitions": 0], ["rate.limit": -1],
        ]
        for values in cases {
            #expect(throws: ConfigError.self, "\(values)") { try AcmeConfig(reader: ConfigReader(provider: InMemoryProvider(values: values))) }
        }
    }
}
