package tracking

// carrierInfo is one row of the carrier table.
type carrierInfo struct {
	code    string   // canonical code: lower case, the vectors' courier_code where there is one
	name    string   // display name, spelt as on Amazon's US integrated list where it is there
	aliases []string // other names sellers type; matched like names (see Lookup)
	formats []format
	s10     string // the postal operator's country: its UPU S10 numbers end with it
	// partial: the formats above are some of the carrier's, so a number that
	// fits none of them is "not checked" rather than rejected.
	partial bool
}

// carrierTable is the carrier registry. Aliases are conservative: one real
// carrier is never an alias of another (DHL Paket is Deutsche Post, not DHL
// Express; FedEx SmartPost and UPS Mail Innovations are carriers of their
// own, as on Amazon's US list). The first block is the US integrated list of
// docs/tracking.md "Integrated carriers", in its order.
func carrierTable() []carrierInfo {
	impb := []format{fIMpb, fUSPS20}
	return []carrierInfo{
		{code: "4px", name: "4PX", aliases: []string{"4PX Express", "4PX Worldwide Express"}},
		{code: "a1", name: "A-1"},
		{code: "aaa_cooper", name: "AAA Cooper", aliases: []string{"AAA Cooper Transportation"}},
		{code: "abf", name: "ABF", aliases: []string{"ABF Freight", "ABF Freight System"}},
		{code: "amazon", name: "Amazon Shipping", aliases: []string{"Amazon", "Amazon Logistics", "AMZL"},
			formats: []format{fAmazonTBA, fAmazonIntl}},
		{code: "asendia", name: "Asendia", aliases: []string{"Asendia USA"}},
		{code: "best_buy", name: "Best Buy"},
		{code: "blue_package", name: "Blue Package", aliases: []string{"Blue Package Delivery"}},
		{code: "cainiao", name: "Cainiao"},
		{code: "canada_post", name: "Canada Post", aliases: []string{"Postes Canada"},
			formats: []format{fCanadaPost16, fS10}, s10: "CA"},
		{code: "ceva", name: "CEVA", aliases: []string{"CEVA Logistics"}},
		{code: "china_post", name: "China Post", aliases: []string{"中国邮政"},
			formats: []format{fS10}, s10: "CN", partial: true},
		{code: "conway", name: "Conway", aliases: []string{"Con-way Freight"}},
		{code: "cybersavings", name: "CyberSavings"},
		{code: "dhl", name: "DHL", aliases: []string{"DHL Express", "DHL Worldwide Express"},
			formats: []format{fDHLExpress, fDHLPiece, fDHLeCom, fDHLeCom14}},
		{code: "dhl_ecommerce", name: "DHL eCommerce", aliases: []string{"DHL eCommerce Solutions", "DHL Global Mail"},
			formats: []format{fDHLeCom, fDHLeCom14, fIMpb}, partial: true},
		{code: "estes", name: "Estes", aliases: []string{"Estes Express", "Estes Express Lines"}},
		{code: "fedex", name: "FedEx", aliases: []string{"Federal Express", "FedEx Express", "FedEx Ground", "FedEx Home Delivery"},
			formats: []format{fFedEx12, fFedEx15, fSSCC, fFedEx96, fFedEx34, fFedExASTRA}},
		{code: "fedex_freight", name: "FedEx Freight"},
		{code: "fedex_smartpost", name: "FedEx SmartPost", aliases: []string{"SmartPost", "FedEx Ground Economy"},
			formats: impb, partial: true},
		{code: "first_mile", name: "First Mile"},
		{code: "hongkong_post", name: "Hongkong Post", formats: []format{fS10}, s10: "HK", partial: true},
		{code: "hunter_logistics", name: "Hunter Logistics"},
		{code: "india_post", name: "India Post", formats: []format{fS10}, s10: "IN", partial: true},
		{code: "jcex", name: "JCEX"},
		{code: "landmark", name: "Landmark", aliases: []string{"Landmark Global"}, formats: []format{fLandmark}},
		{code: "lasership", name: "Lasership", formats: []format{fLaserShipLX, fLaserShip1LS}},
		{code: "letian", name: "Letian"},
		{code: "newgistics", name: "Newgistics"},
		{code: "old_dominion", name: "Old Dominion", aliases: []string{"Old Dominion Freight Line", "ODFL"},
			formats: []format{fOldDominion}},
		{code: "ontrac", name: "OnTrac", formats: []format{fOnTrac}},
		{code: "osm", name: "OSM", aliases: []string{"OSM Worldwide"}},
		{code: "pilot_freight", name: "Pilot Freight", aliases: []string{"Pilot Freight Services"}},
		{code: "ptt_kargo", name: "PTT Kargo", formats: []format{fS10}, s10: "TR", partial: true},
		{code: "rl", name: "R+L", aliases: []string{"R+L Carriers"}},
		{code: "roadrunner", name: "Roadrunner", aliases: []string{"Roadrunner Freight"}},
		{code: "royal_mail", name: "Royal Mail", formats: []format{fS10}, s10: "GB", partial: true},
		{code: "saia", name: "Saia"},
		{code: "sf_express", name: "SF Express"},
		{code: "sfc", name: "SFC"},
		{code: "shipentegra", name: "ShipEntegra"},
		{code: "southeastern_freight", name: "South Eastern Freight Lines", aliases: []string{"SEFL"}},
		{code: "streamlite", name: "StreamLite"},
		{code: "ups", name: "UPS", aliases: []string{"United Parcel Service"}, formats: []format{fUPS, fUPSWaybill}},
		{code: "ups_freight", name: "UPS Freight"},
		{code: "ups_mi", name: "UPS Mail Innovations", aliases: []string{"Mail Innovations", "UPS MI"},
			formats: impb, partial: true},
		{code: "urban_express", name: "Urban Express"},
		{code: "usps", name: "USPS", aliases: []string{"US Postal Service", "United States Postal Service"},
			formats: []format{fIMpb, fUSPS20, fS10}, s10: "US"},
		{code: "watkins_shepard", name: "Watkins and Shepard", aliases: []string{"Watkins & Shepard"}},
		{code: "xpo", name: "XPO Freight", aliases: []string{"XPO", "XPO Logistics"}},
		{code: "yanwen", name: "Yanwen"},
		{code: "yellow_freight", name: "Yellow Freight", aliases: []string{"Yellow", "YRC Freight"}},
		{code: "yf_logistics", name: "YF Logistics"},
		{code: "yht", name: "YHT"},
		{code: "yunexpress", name: "Yun Express", formats: []format{fYunExpress}},

		// Any postal operator's UPU S10 number (the vectors' "s10").
		{code: "s10", name: "UPU S10", aliases: []string{"S10 international mail"}, formats: []format{fS10}},

		// Other carriers of the vectors and of other marketplaces.
		{code: "canpar", name: "Canpar", aliases: []string{"Canpar Express"}, formats: []format{fCanpar}},
		{code: "dpd", name: "DPD", aliases: []string{"DPD UK", "DPD Local", "DPDgroup"}, formats: []format{fDPD}},
		{code: "purolator", name: "Purolator", formats: []format{fPurolator12, fPurolatorAlpha}},
		{code: "gofo", name: "GOFO Express", aliases: []string{"GOFO"}, formats: []format{fGOFO}},
		{code: "speedee", name: "Spee-Dee", aliases: []string{"Spee-Dee Delivery"}, formats: []format{fSpeeDee}},
		{code: "yodel", name: "Yodel", formats: []format{fYodel}},
		{code: "evri", name: "Evri", aliases: []string{"Hermes UK", "myHermes", "Hermes Parcelnet"}},
		{code: "hermes", name: "Hermes", aliases: []string{"Hermes Germany", "Hermes DE"}},
		{code: "deutsche_post", name: "Deutsche Post", aliases: []string{"DHL Paket", "Deutsche Post DHL"},
			formats: []format{fS10}, s10: "DE", partial: true},
		{code: "gls", name: "GLS", aliases: []string{"General Logistics Systems"}},
		{code: "la_poste", name: "La Poste", aliases: []string{"Colissimo", "La Poste Colissimo"},
			formats: []format{fS10}, s10: "FR", partial: true},
		{code: "chronopost", name: "Chronopost"},
		{code: "poste_italiane", name: "Poste Italiane", formats: []format{fS10}, s10: "IT", partial: true},
		{code: "correos", name: "Correos", aliases: []string{"Correos de España"},
			formats: []format{fS10}, s10: "ES", partial: true},
		{code: "japan_post", name: "Japan Post", aliases: []string{"日本郵便", "Yu-Pack", "ゆうパック"},
			formats: []format{fS10, f7DR12}, s10: "JP", partial: true},
		{code: "yamato", name: "Yamato Transport", aliases: []string{"Yamato", "Kuroneko Yamato", "ヤマト運輸"},
			formats: []format{f7DR12}},
		{code: "sagawa", name: "Sagawa Express", aliases: []string{"Sagawa", "佐川急便"},
			formats: []format{f7DR12}, partial: true},
		{code: "parcelforce", name: "Parcelforce", aliases: []string{"Parcelforce Worldwide"}},
		{code: "tnt", name: "TNT", aliases: []string{"TNT Express"}},
		{code: "ems", name: "EMS"},
		{code: "eub", name: "EUB", aliases: []string{"ePacket"}},
		{code: "energo", name: "Energo"},
		{code: "brt", name: "BRT", aliases: []string{"Bartolini", "BRT Bartolini"}},
		{code: "sda", name: "SDA", aliases: []string{"SDA Express Courier"}},
		{code: "seur", name: "SEUR"},
		{code: "mrw", name: "MRW"},
		{code: "tipsa", name: "TIPSA"},
		{code: "evialia", name: "evialia"},
		{code: "homelogistics", name: "homelogistics"},
	}
}
