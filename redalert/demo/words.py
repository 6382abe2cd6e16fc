"""Word lists of the demo data. All invented: common Spanish names, fictional phones (5555 blocks), example.org."""

from redalert.cases.choices import NoteSection

# fmt: off
FEMALE_NAMES = (
    "María", "María José", "María Fernanda", "Sofía", "Citlali", "Xóchitl", "Guadalupe", "Ana Karen", "Daniela",
    "Valeria", "Ximena", "Camila", "Fernanda", "Lucía", "Itzel", "Yareli", "Jimena", "Brenda", "Karla",
    "Dulce María", "Rosa", "Alejandra", "Andrea", "Araceli", "Mónica", "Paola", "Nayeli", "Yesenia", "Leticia",
    "Esmeralda", "Marisol", "Wendy", "Karina", "Abril", "Renata", "Regina", "Luz Elena", "Iris", "Noemí",
    "Belén", "Tania", "Evelyn", "Dayana", "Yohana", "Kimberly", "Heidy", "Keyla", "Ingrid", "Sulma", "Glenda",
    "Delmy", "Mirna", "Maritza", "Yolanda", "Ixchel", "Quetzalli", "Yatziri", "Tonantzin", "Zyanya", "Nicté",
    "Rosario", "Juana", "Martha", "Ángela", "Diana", "Estefanía", "Génesis", "Nohemí", "Sandra", "Verónica",
)
MALE_NAMES = ("José Luis", "Juan Carlos", "Kevin", "Brayan", "Luis Ángel", "Diego", "Jesús", "Miguel Ángel")
SURNAMES = (
    "Hernández", "García", "Martínez", "López", "González", "Pérez", "Rodríguez", "Sánchez", "Ramírez", "Cruz",
    "Flores", "Gómez", "Morales", "Vázquez", "Jiménez", "Reyes", "Díaz", "Torres", "Gutiérrez", "Ruiz",
    "Mendoza", "Aguilar", "Ortiz", "Moreno", "Castillo", "Romero", "Álvarez", "Méndez", "Chávez", "Rivera",
    "Juárez", "Ramos", "Domínguez", "Herrera", "Medina", "Castro", "Vargas", "Guzmán", "Velázquez", "Muñoz",
    "Rojas", "Salazar", "Contreras", "Luna", "Ortega", "Santiago", "Guerrero", "Estrada", "Bautista", "Cortés",
    "Soto", "Alvarado", "Espinoza", "Lara", "Ávila", "Ríos", "Cervantes", "Pineda", "Xool", "Canul", "Pech",
    "Tzul", "Coc", "Caal", "Ajú", "Orellana", "Zelaya", "Maradiaga", "Funes", "Mejía", "Lemus", "Ordóñez",
    "Núñez", "Peña", "Ibarra", "Solís", "Zúñiga", "Patiño",
)
NICKNAMES = {
    "Guadalupe": "Lupita", "María Fernanda": "Marifer", "Sofía": "Sofi", "Xóchitl": "Xochi", "Rosario": "Chayo",
    "María José": "Majo", "Fernanda": "Fer", "Alejandra": "Ale", "Dulce María": "Dulce", "Estefanía": "Fany",
    "Yolanda": "Yola", "Juana": "Juanita", "Daniela": "Dani", "Valeria": "Vale", "Ximena": "Xime",
}
GENERIC_ALIASES = ("La Güera", "Nena", "Flaca", "Chiquis", "Morena", "La Chaparrita")

# Indigenous peoples by ISO 3166-2 subdivision or country: (people, ISO 639-3 language code or "" where unsure).
INDIGENOUS: dict[str, tuple[tuple[str, str], ...]] = {
    "MX-CHP": (("Tsotsil", "tzo"), ("Tseltal", "tzh")),
    "MX-OAX": (("Zapoteca", "zap"), ("Mixteca", "")),
    "MX-MIC": (("P'urhépecha", "tsz"),),
    "MX-MEX": (("Mazahua", "maz"), ("Otomí", "")),
    "MX-HID": (("Otomí (Hñähñu)", "ote"), ("Nahua", "nhe")),
    "MX-GRO": (("Nahua", ""), ("Mixteca", ""), ("Me'phaa", "")),
    "MX-SLP": (("Tének", "hus"), ("Nahua", "nhe")),
    "MX": (("Nahua", ""), ("Maya", "yua")),
    "GT": (("Maya K'iche'", "quc"), ("Maya Q'eqchi'", "kek"), ("Maya Kaqchikel", "cak"), ("Maya Mam", "mam")),
    "HN": (("Lenca", ""), ("Garífuna", "cab"), ("Miskitu", "miq")),
    "NI": (("Miskitu", "miq"),),
    "SV": (("Nahua-Pipil", "ppl"),),
}
CIRCUMSTANCES = (
    "Salió a la escuela por la mañana y no regresó.",
    "Le ofrecieron trabajo de mesera en otra ciudad a través de redes sociales.",
    "Iba a encontrarse con un joven que conoció por Facebook.",
    "Salió a trabajar y no volvió a casa; su teléfono se apagó esa misma noche.",
    "Viajaba hacia el norte con un grupo de migrantes; el último mensaje fue desde la frontera.",
    "Una conocida le prometió empleo como trabajadora del hogar en la capital.",
    "Fue vista por última vez subiendo a una camioneta blanca cerca de su casa.",
    "Dejó de responder mensajes tras aceptar una oferta de modelaje por Instagram.",
    "Salió a una fiesta con amigas y no llegó a su casa.",
    "Su pareja la llevó a otra ciudad; desde entonces la familia no sabe de ella.",
)
PLACE_DETAILS = (
    "Parada de autobús frente a la secundaria", "Central de autobuses", "Cerca del mercado municipal",
    "Plaza principal", "Salida de la preparatoria", "Tienda de abarrotes de la esquina", "Cruce fronterizo",
    "Terminal de combis",
)
PHYSICAL = (
    "Complexión delgada, tez morena clara, cabello negro largo y lacio, ojos cafés.",
    "Complexión media, tez morena, cabello castaño ondulado a los hombros.",
    "Complexión robusta, tez clara, cabello teñido de rojo, ojos cafés claros.",
    "Complexión delgada, tez morena, cabello negro corto, usa lentes.",
)
MARKS = (
    "Tatuaje de una rosa en el antebrazo izquierdo.", "Cicatriz pequeña en la ceja derecha.",
    "Lunar en la mejilla izquierda.", "Perforación en la nariz.", "Marca de nacimiento en el cuello.",
)
CLOTHING = (
    "Pantalón de mezclilla azul, sudadera gris y tenis blancos.",
    "Uniforme escolar: falda gris, suéter guinda y zapatos negros.",
    "Vestido floreado y sandalias.",
    "Blusa negra, pantalón de vestir y mochila rosa.",
    "Playera blanca, short de mezclilla y chamarra negra.",
)
CLOSURE_AFTER_FOLLOW_UP = (
    "Acompañamiento concluido: proyecto de vida en marcha.",
    "La sobreviviente y su familia dieron por concluido el acompañamiento.",
    "Sentencia condenatoria y reparación del daño obtenidas.",
)
CLOSURE_DECEASED = ("Acompañamiento a la familia concluido tras la entrega de los restos.",)
CLOSURE_LOCATED = ("La familia decidió no continuar con el acompañamiento.",)
CLOSURE_NOT_LOCATED = (
    "La familia pidió cerrar el expediente.",
    "La familia continúa la búsqueda con otra organización.",
    "Sin contacto con la familia durante más de un año.",
)
NOTES: dict[str, tuple[str, ...]] = {
    NoteSection.GENERAL: (
        "Primera entrevista con la familia; se explicaron el procedimiento y los consentimientos.",
        "Se entregó a la familia la ficha de búsqueda impresa.",
        "La familia informa que no ha recibido noticias de la fiscalía.",
        "Llamada de seguimiento con la familia; se acordó una visita la próxima semana.",
    ),
    NoteSection.INVESTIGATION: (
        "Revisión de perfiles en redes sociales: la última conexión fue dos días después de la desaparición.",
        "Una testigo refiere haberla visto en la central de autobuses con dos hombres.",
        "Se pidió a la fiscalía el registro de llamadas de su teléfono.",
        "Recorrido por la zona de bares del centro; se repartieron fichas de búsqueda.",
    ),
    NoteSection.LEGAL: (
        "Denuncia presentada ante el Ministerio Público; se obtuvo el número de carpeta de investigación.",
        "Se solicitaron medidas de protección para la familia.",
        "Audiencia inicial programada; se preparó a la familia.",
        "Se pidió la activación del Protocolo Alba.",
    ),
    NoteSection.HEALTH: (
        "Sesión de acompañamiento psicológico con la madre.",
        "Valoración médica tras la localización; se canalizó a servicios de salud.",
        "Sesión de contención emocional con la hermana menor.",
    ),
    NoteSection.SHELTER: (
        "Ingreso al albergue; se entregó un kit de higiene y ropa.",
        "Plan de estancia acordado: tres meses en casa de transición.",
        "Inició un taller de capacitación para el trabajo.",
    ),
}
CONTACT_NOTES = ("Prefiere llamadas por la tarde.", "Solo habla por WhatsApp.", "Pedir hablar con la abuela.", "")
AUTHORITY_REPORTERS = (
    "Fiscalía Especializada en Personas Desaparecidas", "Comisión de Búsqueda de Personas", "Ministerio Público",
    "Consulado",
)
WITHDRAWAL_LOCATED = "Localizada: la familia pidió retirar la ficha."
WITHDRAWAL_FEAR = "Temor a represalias."
REFUSAL_FEAR = "La familia teme represalias."
# Fictional numbers in the 5555 block (+52 55 5555 xxxx in Mexico, +502 5555 xxxx…), in E.164 without spaces.
PHONE_PREFIX = {"MX": "+52555555", "GT": "+5025555", "HN": "+5045555", "SV": "+5035555", "NI": "+5055555"}
# fmt: on

# Texts for the public page of a demo case (invented, as everything here).
PUBLIC_SUMMARIES = (
    "Salió de su casa rumbo a la escuela y no volvió. Su familia la busca.",
    "Le ofrecieron trabajo en otra ciudad por redes sociales; desde entonces no hay noticias de ella.",
    "Fue vista por última vez en la central de autobuses.",
    "Su familia pide a quien la haya visto que se comunique con la organización.",
    "",
)
