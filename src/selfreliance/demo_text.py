"""Dutch ticket-text grammar for the Lindevoorde demo data.

The sentences here were written by hand as a Flemish office worker (or a helpdesk operator
taking a phone call) would phrase them. They were deliberately written without looking at the
codebook's classifier patterns, so that the classifier can be judged fairly against them.

Texts are assembled from components (opener, core sentences, context, personal data, closer,
signature, forwarded-mail header) whose indices are drawn with numpy; the strings are joined
with element-wise operations on numpy object arrays, so there is no per-ticket Python loop
except for the ~10% of texts that receive a typo.

Sentences may contain slots in braces, e.g. ``{vakapp}``. A slot starting with a capital
(``{Vakapp}``) receives the value with its first letter capitalised (sentence start).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

# ---------------------------------------------------------------------------------------------
# Titles and core sentences per question type
# ---------------------------------------------------------------------------------------------

TITLES: dict[str, list[str]] = {
    "password_mfa": [
        "Wachtwoord vergeten",
        "Paswoord verlopen",
        "Aanmelden lukt niet na wijziging",
        "MFA opnieuw instellen",
        "Nieuwe gsm - Authenticator",
        "Code komt niet binnen",
        "Password reset aub",
        "Kan niet meer aanmelden",
        "Wachtwoord wijzigen?",
        "Sms-code ontvang ik niet",
        "Authenticator app op nieuwe telefoon",
        "Nieuw paswoord wordt geweigerd",
    ],
    "account_lockout": [
        "Account geblokkeerd",
        "Gebruiker vergrendeld",
        "Account locked",
        "Geblokkeerd na te veel pogingen",
        "Kan niet aanmelden - geblokkeerd",
        "Account deblokkeren aub",
        "Mijn account is vergrendeld",
        "Buitengesloten",
        "Gebruiker terug vrijgeven",
    ],
    "mail_calendar": [
        "Outlook probleem",
        "Afwezigheidsbericht instellen",
        "Handtekening aanpassen",
        "Agenda delen met collega",
        "Gedeelde mailbox niet zichtbaar",
        "Mails komen niet aan",
        "Mailbox vol",
        "Out of office",
        "Vergaderverzoek verdwenen",
        "Outlook hangt",
        "Regel instellen in Outlook",
        "Verwijderde mails terughalen",
    ],
    "teams_meetings": [
        "Teams vergadering",
        "Camera werkt niet in Teams",
        "Scherm delen lukt niet",
        "Geen geluid in Teams",
        "Teams meeting plannen",
        "Micro niet herkend",
        "Kanaal aanmaken",
        "Teams crasht",
        "Headset in Teams",
        "Achtergrond Teams",
        "Geen meldingen Teams chat",
    ],
    "files_sharepoint": [
        "Bestand kwijt",
        "Oude versie terugzetten",
        "OneDrive synchroniseert niet",
        "Map delen SharePoint",
        "Document overschreven",
        "Bestand niet meer terug te vinden",
        "Sync problemen",
        "Verwijderde map",
        "Waar staan mijn documenten?",
        "Bestand vergrendeld",
        "Teamsite map weg",
    ],
    "software_howto": [
        "Vraag over {office_app}",
        "Hulp gevraagd bij {office_app}",
        "PDF samenvoegen",
        "Word sjabloon gemeente",
        "Excel vraagje",
        "Hoe doe ik dit in {office_app}?",
        "Browser instellen",
        "Draaitabel",
        "PDF ondertekenen",
        "Mailing Word",
        "Formules Excel",
    ],
    "printer_scanning": [
        "Printer print niet",
        "Papierstoring",
        "Toner op",
        "Scannen naar mail",
        "Printer toevoegen",
        "Afdrukken lukt niet",
        "Printer offline",
        "Scanner werkt niet",
        "Badge printer",
        "Strepen op afdrukken",
        "Printen in kleur",
    ],
    "business_apps": [
        "Probleem met {vakapp}",
        "{Vakapp} traag",
        "Foutmelding {vakapp}",
        "Vraag {vakapp}",
        "{Vakapp} geeft fout",
        "Storing {vakapp}",
        "{Vakapp} na update",
        "Rapport uit {vakapp}",
    ],
    "hardware_defect": [
        "Laptop kapot",
        "Scherm blijft zwart",
        "Docking werkt niet",
        "Toetsenbord defect",
        "Muis kapot",
        "Laptop start niet op",
        "Batterij laadt niet",
        "Tweede scherm geen beeld",
        "Koffie op toetsenbord",
        "PC valt uit",
        "Scherm flikkert",
    ],
    "new_device_install": [
        "Aanvraag nieuwe laptop",
        "Software installeren",
        "Licentie aanvragen",
        "Extra scherm nodig",
        "Installatie {software}",
        "Dienstgsm aanvragen",
        "Headset aanvragen",
        "Laptop jobstudent",
        "Aanvraag {software}",
    ],
    "access_rights": [
        "Toegang map",
        "Rechten aanvragen",
        "Toegang tot gedeelde mailbox",
        "Toegang {vakapp}",
        "Leesrechten nodig",
        "Rechten intrekken",
        "Toegang geweigerd",
        "Schrijfrechten teamsite",
    ],
    "telephony": [
        "Telefoon werkt niet",
        "Doorschakelen",
        "Voicemail instellen",
        "Gsm probleem",
        "Vaste lijn geen toon",
        "Wachtrij onthaal",
        "Doorverbinden lukt niet",
        "Geen bereik gsm",
    ],
    "onboarding_offboarding:in": [
        "Nieuwe medewerker",
        "Indiensttreding {person}",
        "Account nieuwe collega",
        "Materiaal nieuwe medewerker",
        "Start {person}",
        "Onthaal nieuwe collega",
    ],
    "onboarding_offboarding:out": [
        "Uitdiensttreding",
        "Vertrek {person}",
        "Account afsluiten",
        "Uit dienst {person}",
        "Materiaal inleveren",
        "Laatste werkdag {person}",
    ],
    "network": [
        "Geen internet",
        "Wifi valt weg",
        "VPN verbinding",
        "Thuiswerken lukt niet",
        "Netwerk traag",
        "Geen verbinding",
        "Netwerkkabel",
        "Gastennetwerk",
    ],
    "security_incident": [
        "Verdachte mail",
        "Phishing?",
        "Laptop verloren",
        "Virusmelding",
        "Op link geklikt",
        "Gsm gestolen",
        "Mail naar verkeerde persoon",
        "Rare pop-up",
        "USB-stick gevonden",
    ],
    "other": [
        "Vraag",
        "Diverse",
        "Beamer vergaderzaal",
        "Info gevraagd",
        "Thuiswerkvergoeding",
        "Infoschermen",
        "Livestream gemeenteraad",
        "Badge gebouw",
    ],
}

CORE: dict[str, list[str]] = {
    "password_mfa": [
        "Ik ben mijn wachtwoord vergeten en kan niet meer aanmelden op mijn pc.",
        "Mijn paswoord is verlopen en ik weet niet hoe ik een nieuw kan instellen.",
        "Na het wijzigen van mijn wachtwoord lukt aanmelden op {device} niet meer.",
        "Ik heb een nieuwe gsm gekregen en nu krijg ik de code van de Authenticator-app niet meer.",
        "Kunnen jullie mijn password resetten? Ik heb het vrijdag veranderd en ben het nu kwijt.",
        "Bij het aanmelden vraagt hij om een code op mijn telefoon, maar die komt niet binnen.",
        "Mijn aanmeldgegevens worden niet meer aanvaard, ook al typ ik ze heel zorgvuldig.",
        "Ik krijg de melding dat mijn wachtwoord binnen drie dagen vervalt, hoe pas ik dat aan?",
        "De tweestapsverificatie staat nog op mijn oude toestel, hoe zet ik die over?",
        "Mijn nieuwe paswoord wordt geweigerd, er staat dat het niet aan de vereisten voldoet.",
        "Ik heb de goedkeuring op mijn gsm per ongeluk geweigerd en nu geraak ik niet meer binnen.",
        "Thuis kan ik niet meer aanmelden, op kantoor wel; mijn nieuwe wachtwoord werkt daar niet.",
        "Welk wachtwoord moet ik gebruiken voor de webmail? Het gewone werkt niet.",
        "Ik heb de app met de cijfercodes verwijderd van mijn gsm, hoe koppel ik die opnieuw?",
    ],
    "account_lockout": [
        "Mijn account is geblokkeerd omdat ik te veel keer een fout wachtwoord heb ingegeven.",
        "Ik krijg de melding 'uw account is vergrendeld', kunnen jullie het deblokkeren?",
        "Na drie foute pogingen zit ik vast, het scherm zegt dat mijn gebruiker geblokkeerd is.",
        "My account is locked, ik kan niet verder werken.",
        "Ik ben buitengesloten sinds ik op mijn gsm nog het oude paswoord had staan.",
        "Kunnen jullie mijn gebruikersaccount terug vrijgeven? Het is vergrendeld.",
        "Er staat dat mijn account tijdelijk geblokkeerd is, hoelang duurt dat?",
        "Ik geraak niet binnen op {device}, melding: account vergrendeld.",
        "Elke ochtend is mijn account opnieuw geblokkeerd en ik weet niet waarom.",
        "{Colleague} en ik zijn allebei geblokkeerd sinds de update van gisteren.",
        "Te veel pogingen gedaan op de webmail en nu is alles geblokkeerd.",
    ],
    "mail_calendar": [
        "Hoe zet ik een afwezigheidsbericht aan? Ik ben volgende week met verlof.",
        "Ik zou mijn agenda willen delen met {colleague}, hoe doe ik dat?",
        "Mijn handtekening in Outlook is verdwenen na de update.",
        "De gedeelde mailbox van ons team staat niet meer in mijn lijst links.",
        "Ik krijg de melding dat mijn mailbox bijna vol is, wat moet ik verwijderen?",
        "Mails van een burger komen niet aan, hij zegt dat hij ze wel verstuurd heeft.",
        "Een vergaderverzoek is uit mijn agenda verdwenen, kan ik dat terughalen?",
        "Outlook blijft hangen op 'bezig met laden' als ik het opstart.",
        "Hoe kan ik een regel instellen zodat mails van het loket in een aparte map komen?",
        "Ik zie de agenda's van mijn collega's niet meer in Outlook.",
        "Ik heb per ongeluk een map met mails verwijderd, kan die terug?",
        "De out of office staat nog aan terwijl ik terug ben, hoe zet ik die af?",
        "Mijn mails blijven in het postvak uit staan en worden niet verzonden.",
    ],
    "teams_meetings": [
        "In Teams zien de anderen mijn camera niet tijdens de vergadering.",
        "Mijn micro werkt niet in Teams, met de gsm lukt het wel.",
        "Hoe kan ik mijn scherm delen in een Teams meeting? Ik zie de knop niet.",
        "Ik hoor niemand in de Teams-vergadering, het geluid staat nochtans aan.",
        "Hoe plan ik een online meeting met externe partners erbij?",
        "Hoe maak ik een nieuw kanaal aan voor onze werkgroep?",
        "Teams sluit vanzelf af als ik een oproep krijg.",
        "Bij de digitale commissie viel mijn beeld weg, hoe vermijd ik dat de volgende keer?",
        "Mijn headset wordt niet herkend in Teams, hij kiest altijd de luidsprekers van de laptop.",
        "Ik kan geen bestanden meer openen in het Teams-kanaal van de dienst.",
        "Hoe zet ik een achtergrond in Teams zodat je mijn keuken niet ziet?",
        "Ik krijg geen meldingen meer als iemand me een chatbericht stuurt.",
    ],
    "files_sharepoint": [
        "Ik kan een Excel-bestand niet meer terugvinden dat gisteren nog op de gedeelde schijf stond.",
        "Ik heb een document overschreven, kan ik een vorige versie terugzetten?",
        "OneDrive geeft een rood kruisje en synchroniseert niet meer.",
        "Hoe deel ik een map op SharePoint met een externe partner?",
        "Per ongeluk een map verwijderd op de teamsite, is die nog te herstellen?",
        "Mijn bureaublad is leeg na het aanmelden, waar staan mijn bestanden?",
        "{Colleague} kan het bestand dat ik gedeeld heb niet openen.",
        "Ik vind de map {folder} niet meer in de verkenner.",
        "De bestanden op de teamsite zijn allemaal vergrendeld door een andere gebruiker.",
        "Hoe kan ik een bestand uit de prullenbak van SharePoint terughalen?",
        "Het verslag van {colleague} is weg uit onze gedeelde map.",
        "Welke map moet ik gebruiken om documenten op te slaan zodat ze bewaard blijven?",
    ],
    "software_howto": [
        "Hoe kan ik in Excel een kolom vastzetten zodat die blijft staan bij het scrollen?",
        "Hoe voeg ik twee PDF's samen tot één document?",
        "In Word verspringt mijn nummering steeds, hoe los ik dat op?",
        "Hoe maak ik een draaitabel in Excel met de cijfers van deze maand?",
        "Ik wil een PDF digitaal ondertekenen maar weet niet hoe dat moet.",
        "Hoe zet ik de standaardbrowser op Edge in plaats van Chrome?",
        "In {office_app} zijn mijn werkbalken verdwenen, hoe krijg ik die terug?",
        "Hoe gebruik ik het sjabloon met het logo van de gemeente in Word?",
        "Hoe kan ik in PowerPoint een presentatie opslaan als video?",
        "Ik wil een formulier in een PDF invullen maar kan niet typen in de velden.",
        "Hoe doe je een mailing in Word met de adressen uit een Excel-lijst?",
        "Mijn Excel rekent niet meer automatisch, de formules blijven gewoon staan.",
        "Kan iemand mij uitleggen hoe ik in {office_app} opmerkingen toevoeg?",
    ],
    "printer_scanning": [
        "{Printer} print niet meer, de opdracht blijft in de wachtrij staan.",
        "Er zit papier vast in {printer} en ik krijg het er niet uit.",
        "De toner van {printer} is leeg, is er nog een reserve?",
        "Scannen naar mijn mail werkt niet, ik krijg niets binnen.",
        "Hoe voeg ik {printer} toe op mijn laptop?",
        "Mijn afdrukken komen er met grijze strepen uit.",
        "De printer staat op offline op mijn pc terwijl hij wel aan staat.",
        "Ik kan niet meer in kleur afdrukken.",
        "Mijn badge wordt niet herkend aan de printer, ik kan mijn afdrukken niet vrijgeven.",
        "De scanner maakt één grote PDF van alles, kan dat per document?",
        "Afdrukken op A3 lukt niet, hij neemt altijd A4.",
    ],
    "business_apps": [
        "{Vakapp} geeft een foutmelding bij het opslaan van een dossier.",
        "{Vakapp} is vandaag extreem traag, elk scherm duurt een minuut.",
        "Ik kan in {vakapp} geen nieuw dossier aanmaken, de knop staat grijs.",
        "Na de update van {vakapp} zijn mijn lijsten en filters verdwenen.",
        "Het afdrukken van een attest uit {vakapp} lukt niet.",
        "Bij het inboeken van een factuur in {vakapp} krijg ik een fout over de btw-code.",
        "De koppeling tussen {vakapp} en het rijksregister werkt niet.",
        "Ik krijg in {vakapp} de melding 'onvoldoende rechten' voor een scherm dat ik altijd gebruik.",
        "Hoe kan ik in {vakapp} een rapport trekken voor het vorige kwartaal?",
        "{Vakapp} sluit af zonder melding als ik een bijlage wil toevoegen.",
        "De eID-lezer wordt niet herkend in {vakapp} aan het loket.",
        "Aanvragen uit het e-loket komen niet door in {vakapp}.",
    ],
    "hardware_defect": [
        "Mijn laptop start niet meer op, het lampje knippert oranje.",
        "Het tweede scherm geeft geen beeld meer als ik de laptop in het dockingstation steek.",
        "Er ontbreken letters op mijn toetsenbord, de E en de R werken niet.",
        "Mijn muis reageert niet meer, ook niet met nieuwe batterijen.",
        "De batterij van mijn laptop laadt niet meer op.",
        "Er is koffie over mijn toetsenbord gegaan.",
        "Het scherm van mijn laptop is gebarsten na een val.",
        "{Device} maakt een raar zoemend geluid en wordt heel warm.",
        "Het dockingstation wordt niet herkend: geen netwerk en geen scherm.",
        "Mijn pc valt om de haverklap uit.",
        "Het scherm flikkert de hele tijd, ik krijg er hoofdpijn van.",
        "De voeding van mijn laptop is gesmolten aan de stekker.",
    ],
    "new_device_install": [
        "Kunnen jullie {software} installeren op mijn laptop? Ik heb zelf geen rechten.",
        "Ik zou graag een tweede scherm aanvragen voor mijn bureau.",
        "Mijn laptop is vijf jaar oud en heel traag, kan ik een nieuwe aanvragen?",
        "Voor mijn nieuwe taak heb ik een licentie nodig voor {software}.",
        "Graag een headset voor de vergaderingen, de mijne is versleten.",
        "Mag ik een dienstgsm aanvragen? Mijn diensthoofd gaat akkoord.",
        "Ik heb voor het project {software} nodig, wie moet dit goedkeuren?",
        "Kan er een extra docking komen op de flexplek op de tweede verdieping?",
        "Graag een toetsenbord met een apart numeriek klavier, ik werk veel met cijfers.",
        "Er moet een update van {software} geïnstalleerd worden en dat vraagt om beheerdersrechten.",
        "Kunnen jullie een laptop klaarzetten voor de jobstudent van juli?",
    ],
    "access_rights": [
        "Graag toegang tot de map {folder} op de gedeelde schijf.",
        "Ik heb leesrechten nodig in {vakapp} voor de opvolging van dossiers.",
        "Kan ik toegang krijgen tot de mailbox van het onthaal?",
        "{Colleague} heeft een andere functie, de rechten op onze map mogen weg.",
        "Mijn diensthoofd vraagt om schrijfrechten op de teamsite van de dienst.",
        "Voor de vervanging van {colleague} heb ik tijdelijk toegang nodig tot de dossiers.",
        "Ik krijg 'toegang geweigerd' op de map {folder}.",
        "Graag rechten om aanvragen goed te keuren in {vakapp}.",
        "Kunnen de rechten van de jobstudenten op de gedeelde schijf ingetrokken worden?",
        "Ik moet de agenda van het college kunnen beheren, kan dat geregeld worden?",
    ],
    "telephony": [
        "Mijn vaste toestel geeft geen kiestoon meer.",
        "Hoe schakel ik mijn vaste nummer door naar mijn gsm als ik thuiswerk?",
        "Hoe stel ik mijn voicemail in? Er staat nog de boodschap van mijn voorganger op.",
        "Mijn dienstgsm laadt niet meer op.",
        "Burgers krijgen een bezettoon als ze het onthaal bellen.",
        "Ik kan geen oproepen doorverbinden naar een collega.",
        "Mijn gsm toont geen mails meer sinds de laatste update.",
        "De telefoon aan de balie schakelt niet over wanneer ik in gesprek ben.",
        "Het display van mijn toestel geeft een foutcode.",
        "Mijn gsm heeft geen bereik aan de achterkant van het gebouw.",
    ],
    "onboarding_offboarding:in": [
        "Op {date} start {person} in onze dienst, graag een account en een laptop.",
        "Voor onze nieuwe collega {person} hebben we een mailbox en toegang tot de teammap nodig.",
        "Graag alles klaarzetten voor de nieuwe medewerker die start op {date}.",
        "Wat moet ik doen om een badge en een laptop te krijgen voor een nieuwe collega?",
        "Nieuwe collega {person} kan nog niet aanmelden, is het account al aangemaakt?",
        "Onthaalpakket voor {person}: laptop, gsm en dezelfde rechten als de rest van het team.",
        "{Person} begint op {date} als vervanger, die heeft dezelfde toepassingen nodig als de vorige.",
        "Kunnen jullie voor {date} een werkplek in orde brengen voor {person}?",
        "Een jobstudent begint op {date} en heeft een tijdelijk account nodig.",
        "Ik had graag geweten of de laptop voor {person} al klaar is.",
    ],
    "onboarding_offboarding:out": [
        "{Person} gaat op {date} uit dienst, mogen het account en de gsm dan afgesloten worden?",
        "{Person} vertrekt, kunnen de mails doorgestuurd worden naar het algemene adres?",
        "Laatste werkdag van {person} is {date}; het materiaal wordt bij jullie binnengebracht.",
        "Wat gebeurt er met de bestanden van {person} na het vertrek?",
        "Graag de toegang van {person} intrekken vanaf {date}.",
        "Na het vertrek van {person} moet de gedeelde mailbox naar iemand anders.",
        "{Person} stopt bij ons op {date}, wie zet de afwezigheidsmelding?",
        "De laptop en de badge van {person} liggen klaar om op te halen.",
    ],
    "network": [
        "Ik heb geen internet op mijn laptop, het wereldbolletje staat erop.",
        "De wifi valt telkens weg in vergaderzaal {room}.",
        "Thuis krijg ik geen verbinding met de VPN.",
        "Alles gaat heel traag vandaag, pagina's laden niet.",
        "Ik kan de gedeelde schijf niet bereiken van thuis uit.",
        "Op de bovenste verdieping is er geen wifi-signaal.",
        "Mijn laptop maakt geen verbinding met het gastennetwerk voor een bezoeker.",
        "De netwerkkabel aan mijn bureau lijkt niet te werken.",
        "De verbinding valt elke tien minuten weg als ik thuiswerk.",
        "Ik kan wel surfen maar niet aan de interne toepassingen.",
    ],
    "security_incident": [
        "Ik kreeg een rare mail die zegt dat mijn mailbox vol is, met een link erin. Is dit phishing?",
        "Ik heb op een link geklikt in een mail van een zogezegde leverancier en mijn gegevens ingevuld.",
        "Mijn dienstgsm is gestolen op de trein.",
        "Ik ben mijn laptop verloren na een vergadering buitenshuis.",
        "Mijn antivirus geeft een melding dat er een bedreiging gevonden is.",
        "Ik heb per vergissing een mail met persoonsgegevens naar de verkeerde burger gestuurd.",
        "Er vertrekken mails uit mijn naam die ik niet verstuurd heb.",
        "Er verschijnen vreemde pop-ups die zeggen dat ik naar Microsoft moet bellen.",
        "Een USB-stick gevonden in de vergaderzaal, wat moet ik ermee doen?",
        "Iemand belde namens 'de informatica' en vroeg mijn code, dat vertrouw ik niet.",
    ],
    "other": [
        "De beamer in vergaderzaal {room} geeft geen beeld.",
        "Wie moet ik contacteren voor een nieuwe badge voor het gebouw?",
        "Is er een handleiding voor het nieuwe vergaderscherm in de raadzaal?",
        "De klok van de tijdsregistratie aan de ingang loopt achter.",
        "Ik heb een vraag over de thuiswerkvergoeding voor internet.",
        "De infoschermen in de inkomhal tonen nog de kerstboodschap.",
        "Het digitale prikbord op intranet toont geen nieuws meer.",
        "Kunnen jullie helpen bij de livestream van de gemeenteraad?",
        "Waar kan ik oude gsm's van de dienst inleveren?",
        "De parkeerbadge van een bezoeker werkt niet aan de slagboom.",
    ],
}

# Texts that say almost nothing about the problem; labelled with their true type anyway.
VAGUE_TITLES = [
    "Probleem",
    "Vraag",
    "Dringend",
    "Help",
    "Werkt niet",
    "Zie mail",
    "Opnieuw hetzelfde",
    "Storing",
    "?",
    "Vraagje",
]
VAGUE_CORE = [
    "Het werkt weer niet.",
    "Kan iemand eens langskomen?",
    "Zelfde probleem als vorige keer.",
    "Mijn computer doet raar.",
    "Er is iets mis, kunnen jullie mij bellen?",
    "Het lukt weer niet, zie vorige melding.",
    "Help, dringend!",
    "Graag iemand die even meekijkt.",
    "Ik snap er niets van, gisteren deed het het nog.",
    "Probleem zoals besproken aan de telefoon.",
    "Het programma doet weer moeilijk.",
    "Kunnen jullie eens kijken wat er mis is?",
]

CONTEXT = [
    "Ik heb al opnieuw opgestart maar dat helpt niet.",
    "Het probleem is er sinds deze ochtend.",
    "Sinds maandag al.",
    "Dit is al de derde keer deze week.",
    "Het is dringend, ik zit met een burger aan de balie.",
    "Graag zo snel mogelijk, om 14u heb ik een afspraak.",
    "Geen haast, als het deze week kan is het goed.",
    "Een collega van de dienst heeft hetzelfde probleem.",
    "Ik heb de handleiding op intranet bekeken maar vind het niet.",
    "Het gebeurt vooral als ik thuiswerk.",
    "Sinds de update van gisteren.",
    "Ik werk vandaag in het Sociaal Huis.",
    "Ik ben maar halftijds, dus morgen ben ik er niet.",
    "Vorige keer hebben jullie het van op afstand opgelost.",
    "Ik heb een screenshot bijgevoegd.",
    "Mijn laptop heb ik al eens uit- en aangezet.",
    "Het is voor de zitting van vanavond.",
    "Ik moet dit vandaag nog afwerken.",
]

PHONE_OPENERS = [
    "Gebruiker belt:",
    "Telefonisch gemeld:",
    "Mevrouw belt met volgende vraag:",
    "Meneer belt:",
    "Collega belt, vraag:",
    "Tel. melding:",
]
DESK_OPENERS = [
    "Collega komt langs aan de balie:",
    "Aan de balie gemeld:",
    "Langsgekomen op de ICT-dienst:",
]
OPENERS = [
    "Dag IT,",
    "Hallo collega's,",
    "Goeiemorgen,",
    "Beste,",
    "Hallo,",
    "Hoi,",
    "Dag helpdesk,",
    "Goedemiddag,",
    "Beste ICT,",
    "Dag,",
    "Hey,",
    "Goedemorgen ICT,",
]
CLOSERS = [
    "Alvast bedankt!",
    "mvg",
    "Groetjes",
    "Met vriendelijke groeten",
    "Dank je!",
    "Bedankt",
    "Thx",
    "Vriendelijke groet",
    "Merci!",
    "Alvast dank",
    "Dank u",
]

PDATA_COLLEAGUE = [
    "Mijn collega {colleague} heeft hetzelfde probleem.",
    "{Colleague} zei dat ik dit best via een melding doe.",
    "Graag ook {colleague} op de hoogte houden.",
    "Bij {colleague} werkt het wel.",
]
PDATA_RRN = [
    "Het gaat om het dossier van de burger met rijksregisternummer {rrn}.",
    "Rijksregisternr. burger: {rrn}.",
    "Het probleem doet zich voor bij dossier {rrn}.",
    "De burger ({rrn}) staat nog aan de balie te wachten.",
]
PDATA_IBAN = [
    "Het gaat om de betaling naar rekening {iban}.",
    "Leverancier met rekeningnummer {iban} geeft een foutmelding.",
    "Het rekeningnummer {iban} wordt geweigerd door het systeem.",
]

# Slot vocabularies: small lists, drawn per ticket by index.
DEVICES = [
    "mijn laptop",
    "mijn pc",
    "de laptop",
    "mijn computer",
    "de pc aan het loket",
    "mijn thuiswerklaptop",
]
OFFICE_APPS = [
    "Word",
    "Excel",
    "PowerPoint",
    "Outlook",
    "Adobe Reader",
    "Edge",
    "Chrome",
    "OneNote",
]
SOFTWARE = [
    "QGIS",
    "Adobe Acrobat Pro",
    "AutoCAD",
    "Zoom",
    "Notepad++",
    "Power BI",
    "SPSS",
    "een pdf-editor",
    "de eID-middleware",
    "Visio",
]
PRINTERS = [
    "de printer op de tweede verdieping",
    "de grote printer aan het onthaal",
    "de kleurenprinter",
    "de printer in het Sociaal Huis",
    "de multifunctional bij P&O",
    "onze printer",
    "de printer in de gang",
]
ROOMS = ["1.04", "2.11", "de Raadzaal", "De Linde", "0.02", "het Schepencollege"]
FOLDERS = [
    "Dossiers 2025",
    "Team",
    "Facturen",
    "Vergunningen",
    "Verslagen",
    "Aankoop",
    "Personeel",
    "Subsidies",
]
VAKAPPS: dict[str, list[str]] = {
    "Burgerzaken": ["het burgerzakenpakket", "Saphir", "de eID-toepassing"],
    "Financien": ["het boekhoudpakket", "Finaxis", "de facturatiemodule"],
    "Omgeving": ["het Omgevingsloket", "de GIS-viewer", "Permita"],
    "Welzijn/OCMW": ["het sociaal dossier", "Cura", "de leefloonmodule"],
    "Interne zaken/P&O": ["de personeelsadministratie", "het tijdsregistratiesysteem", "Talentra"],
    "Vrije tijd": ["het reservatiesysteem", "de ticketingtool", "het uitleensysteem van de bib"],
    "Technische dienst": ["het patrimoniumbeheer", "de meldingenapp", "Fleetman"],
    "ICT": ["het beheerportaal", "de CMDB"],
}
DEFAULT_VAKAPPS = ["de vaktoepassing", "het e-loket", "het intranet"]

DUTCH_WEEKDAYS = ["maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag"]
DUTCH_MONTHS = [
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
]

_SLOT_RE = re.compile(r"\{([A-Za-z_]+)\}")


def _cap(s: str) -> str:
    return s[:1].upper() + s[1:]


@dataclass
class _Compiled:
    """A sentence list split at its slots: up to two slots per sentence."""

    lit0: np.ndarray
    lit1: np.ndarray
    lit2: np.ndarray
    slot1: np.ndarray
    slot2: np.ndarray


def _compile(sentences: list[str], slot_ids: dict[str, int]) -> _Compiled:
    lit0, lit1, lit2, s1, s2 = [], [], [], [], []
    for s in sentences:
        parts = _SLOT_RE.split(s)
        # parts alternates literal, slot, literal, ...; pad to two slots (slot 0 = empty).
        lits, slots = parts[0::2], parts[1::2]
        if len(slots) > 2:
            raise ValueError(f"at most two slots per sentence: {s!r}")
        while len(slots) < 2:
            slots.append("")
            lits.append("")
        lit0.append(lits[0])
        lit1.append(lits[1])
        lit2.append(lits[2])
        s1.append(slot_ids[slots[0]])
        s2.append(slot_ids[slots[1]])
    obj = np.array
    return _Compiled(
        obj(lit0, dtype=object),
        obj(lit1, dtype=object),
        obj(lit2, dtype=object),
        np.array(s1),
        np.array(s2),
    )


SLOT_NAMES = [
    "",
    "device",
    "Device",
    "office_app",
    "software",
    "printer",
    "Printer",
    "room",
    "folder",
    "vakapp",
    "Vakapp",
    "colleague",
    "Colleague",
    "person",
    "Person",
    "date",
    "rrn",
    "iban",
]
SLOT_IDS = {name: i for i, name in enumerate(SLOT_NAMES)}


def _fill(comp: _Compiled, idx: np.ndarray, slots: np.ndarray) -> np.ndarray:
    """Assemble sentences ``idx`` (per ticket) with per-ticket slot values ``slots``."""
    cols = np.arange(len(idx))
    v1 = slots[comp.slot1[idx], cols]
    v2 = slots[comp.slot2[idx], cols]
    return comp.lit0[idx] + v1 + comp.lit1[idx] + v2 + comp.lit2[idx]


def _pick(rng: np.random.Generator, options: list[str], n: int) -> np.ndarray:
    return np.array(options, dtype=object)[rng.integers(0, len(options), n)]


def _where(mask: np.ndarray, a, b) -> np.ndarray:
    out = np.empty(len(mask), dtype=object)
    a_arr = a if isinstance(a, np.ndarray) else np.full(len(mask), a, dtype=object)
    b_arr = b if isinstance(b, np.ndarray) else np.full(len(mask), b, dtype=object)
    out[mask] = a_arr[mask]
    out[~mask] = b_arr[~mask]
    return out


def _typo(rng: np.random.Generator, texts: np.ndarray, share: float) -> np.ndarray:
    """Insert one letter swap or drop into a share of the texts (only those are looped)."""
    out = texts.copy()
    hit = np.flatnonzero(rng.random(len(texts)) < share)
    u = rng.random((len(hit), 2))
    for k, i in enumerate(hit):
        s = out[i]
        if len(s) < 12:
            continue
        # Scan forward from a random point to the first pair of letters.
        j = int(u[k, 0] * (len(s) - 1))
        while j < len(s) - 1 and not (s[j].isalpha() and s[j + 1].isalpha()):
            j += 1
        if j >= len(s) - 1:
            continue
        out[i] = (s[:j] + s[j + 1] + s[j] + s[j + 2 :]) if u[k, 1] < 0.6 else (s[:j] + s[j + 1 :])
    return out


def _day_strings(dates: np.ndarray) -> np.ndarray:
    """Dutch long date, e.g. 'maandag 3 maart 2025', for datetime64 values."""
    d = dates.astype("datetime64[D]")
    wd = (d.astype(np.int64) + 3) % 7  # 1970-01-01 was a Thursday
    y = d.astype("datetime64[Y]").astype(np.int64) + 1970
    m = d.astype("datetime64[M]").astype(np.int64) % 12
    day = (d - d.astype("datetime64[M]")).astype(np.int64) + 1
    wdn = np.array(DUTCH_WEEKDAYS, dtype=object)[wd]
    mn = np.array(DUTCH_MONTHS, dtype=object)[m]
    return (
        wdn + " " + day.astype(str).astype(object) + " " + mn + " " + y.astype(str).astype(object)
    )


def short_dates(dates: np.ndarray) -> np.ndarray:
    """Flemish short date 'd/m' or 'd/mm/yyyy' strings used inside sentences."""
    d = dates.astype("datetime64[D]")
    y = d.astype("datetime64[Y]").astype(np.int64) + 1970
    m = d.astype("datetime64[M]").astype(np.int64) % 12 + 1
    day = (d - d.astype("datetime64[M]")).astype(np.int64) + 1
    return (
        day.astype(str).astype(object)
        + "/"
        + m.astype(str).astype(object)
        + "/"
        + y.astype(str).astype(object)
    )


@dataclass
class TextInputs:
    """Per-ticket inputs for :func:`build_texts` (all arrays of equal length).

    Parameters
    ----------
    qtype : numpy.ndarray
        Question-type id per ticket (object array of str).
    event : numpy.ndarray
        ``"in"``, ``"out"`` or ``""``: onboarding tickets tied to a hire or exit.
    channel : numpy.ndarray
        Entry channel (TOPdesk "Soort binnenkomst").
    department : numpy.ndarray
        Requester's department ("" for non-staff).
    first_name, full_name, email, team, phone : numpy.ndarray
        Requester's details; phone is the signature phone number.
    colleague, colleague_email : numpy.ndarray
        A roster colleague's name and e-mail (personal data that scrubbing must remove).
    person, date : numpy.ndarray
        Subject of onboarding/offboarding tickets and the date string.
    opened : numpy.ndarray
        Call time (datetime64[m]) for forwarded-mail headers.
    rrn, iban : numpy.ndarray
        A valid rijksregisternummer and IBAN per ticket, used only where planted.
    """

    qtype: np.ndarray
    event: np.ndarray
    channel: np.ndarray
    department: np.ndarray
    first_name: np.ndarray
    full_name: np.ndarray
    email: np.ndarray
    team: np.ndarray
    phone: np.ndarray
    colleague: np.ndarray
    colleague_email: np.ndarray
    person: np.ndarray
    date: np.ndarray
    opened: np.ndarray
    rrn: np.ndarray
    iban: np.ndarray


def build_texts(rng: np.random.Generator, x: TextInputs) -> tuple[np.ndarray, np.ndarray, dict]:
    """Build titles ("Korte omschrijving") and descriptions ("Verzoek").

    Parameters
    ----------
    rng : numpy.random.Generator
        Source of all randomness (consumed in a fixed order).
    x : TextInputs
        Per-ticket inputs.

    Returns
    -------
    titles, descriptions : numpy.ndarray
        Object arrays of str; titles are at most 80 characters.
    info : dict
        Boolean masks of what was planted (``vague``, ``empty``, ``rrn``, ``iban``,
        ``colleague``, ``typo_share``) for the ground truth.
    """
    n = len(x.qtype)
    qtype = x.qtype.astype(object)
    key = qtype.copy()
    is_onb = qtype == "onboarding_offboarding"
    key[is_onb & (x.event == "out")] = "onboarding_offboarding:out"
    key[is_onb & (x.event != "out")] = "onboarding_offboarding:in"
    # Base-rate onboarding tickets (no event) pick in/out at random.
    coin = rng.random(n) < 0.4
    key[is_onb & (x.event == "") & coin] = "onboarding_offboarding:out"

    # --- slot values per ticket --------------------------------------------------------------
    vak = np.empty(n, dtype=object)
    u_vak = rng.random(n)
    for dept in sorted(set(x.department.tolist())):
        m = x.department == dept
        opts = VAKAPPS.get(dept, DEFAULT_VAKAPPS)
        vak[m] = np.array(opts, dtype=object)[(u_vak[m] * len(opts)).astype(int)]
    dev_i = rng.integers(0, len(DEVICES), n)
    prn_i = rng.integers(0, len(PRINTERS), n)
    slots = np.empty((len(SLOT_NAMES), n), dtype=object)
    slots[SLOT_IDS[""]] = ""
    slots[SLOT_IDS["device"]] = np.array(DEVICES, dtype=object)[dev_i]
    slots[SLOT_IDS["Device"]] = np.array([_cap(s) for s in DEVICES], dtype=object)[dev_i]
    slots[SLOT_IDS["office_app"]] = _pick(rng, OFFICE_APPS, n)
    slots[SLOT_IDS["software"]] = _pick(rng, SOFTWARE, n)
    slots[SLOT_IDS["printer"]] = np.array(PRINTERS, dtype=object)[prn_i]
    slots[SLOT_IDS["Printer"]] = np.array([_cap(s) for s in PRINTERS], dtype=object)[prn_i]
    slots[SLOT_IDS["room"]] = _pick(rng, ROOMS, n)
    slots[SLOT_IDS["folder"]] = _pick(rng, FOLDERS, n)
    slots[SLOT_IDS["vakapp"]] = vak
    slots[SLOT_IDS["Vakapp"]] = _cap_array(vak)
    slots[SLOT_IDS["colleague"]] = x.colleague
    slots[SLOT_IDS["Colleague"]] = x.colleague
    slots[SLOT_IDS["person"]] = x.person
    slots[SLOT_IDS["Person"]] = x.person
    slots[SLOT_IDS["date"]] = x.date
    slots[SLOT_IDS["rrn"]] = x.rrn
    slots[SLOT_IDS["iban"]] = x.iban

    # --- core sentences and titles per type ---------------------------------------------------
    title = np.empty(n, dtype=object)
    core1 = np.empty(n, dtype=object)
    core2 = np.empty(n, dtype=object)
    u = rng.random((n, 3))
    for k in sorted(CORE):
        m = np.flatnonzero(key == k)
        if len(m) == 0:
            continue
        sub = slots[:, m]
        comp = _compile(CORE[k], SLOT_IDS)
        nc = len(CORE[k])
        i1 = (u[m, 0] * nc).astype(int)
        i2 = (i1 + 1 + (u[m, 1] * (nc - 1)).astype(int)) % nc
        core1[m] = _fill(comp, i1, sub)
        core2[m] = _fill(comp, i2, sub)
        tcomp = _compile(TITLES[k], SLOT_IDS)
        title[m] = _fill(tcomp, (u[m, 2] * len(TITLES[k])).astype(int), sub)

    # ~5% vague texts: both title (mostly) and body carry no type information.
    vague = rng.random(n) < 0.05
    vt = _pick(rng, VAGUE_TITLES, n)
    vc = _pick(rng, VAGUE_CORE, n)
    keep_title = rng.random(n) < 0.3
    title = _where(vague & ~keep_title, vt, title)
    core1 = _where(vague, vc, core1)

    two_core = (rng.random(n) < 0.18) & ~vague
    context = _pick(rng, CONTEXT, n)
    has_ctx = rng.random(n) < 0.45
    context2 = _pick(rng, CONTEXT, n)
    has_ctx2 = has_ctx & (rng.random(n) < 0.15) & (context2 != context)

    # --- personal data ------------------------------------------------------------------------
    sl = slots
    pd_col = _fill(
        _compile(PDATA_COLLEAGUE, SLOT_IDS), rng.integers(0, len(PDATA_COLLEAGUE), n), sl
    )
    pd_rrn = _fill(_compile(PDATA_RRN, SLOT_IDS), rng.integers(0, len(PDATA_RRN), n), sl)
    pd_iban = _fill(_compile(PDATA_IBAN, SLOT_IDS), rng.integers(0, len(PDATA_IBAN), n), sl)
    u_pd = rng.random(n)
    is_staff = x.department != ""
    rrn_m = np.isin(x.department, ["Burgerzaken", "Welzijn/OCMW"]) & (
        u_pd < np.where(qtype == "business_apps", 0.35, 0.06)
    )
    iban_m = (x.department == "Financien") & (u_pd < np.where(qtype == "business_apps", 0.35, 0.06))
    col_m = is_staff & (rng.random(n) < 0.06) & ~rrn_m & ~iban_m
    pdata = _where(rrn_m, pd_rrn, _where(iban_m, pd_iban, _where(col_m, pd_col, "")))

    body = core1.copy()
    body = _where(two_core, body + " " + core2, body)
    body = _where(has_ctx, body + " " + context, body)
    body = _where(has_ctx2, body + " " + context2, body)
    body = _where(pdata != "", body + " " + pdata, body)
    # Typos only in what the requester typed, not in signatures or forwarded headers.
    body = _typo(rng, body, 0.10)

    # --- channel-dependent framing ------------------------------------------------------------
    ch = x.channel
    mailish = (ch == "E-mail") | (ch == "Zelfservice Portal")
    phone = ch == "Telefonisch"
    desk = ch == "Balie"
    opener = _pick(rng, OPENERS, n)
    has_open = mailish & (rng.random(n) < 0.6)
    op_phone = _pick(rng, PHONE_OPENERS, n)
    op_desk = _pick(rng, DESK_OPENERS, n)
    has_op_note = (phone | desk) & (rng.random(n) < 0.5)
    closer = _pick(rng, CLOSERS, n)
    has_close = mailish & (rng.random(n) < 0.6)
    sign_name = rng.random(n) < 0.6
    email = ch == "E-mail"
    fwd = email & is_staff & (rng.random(n) < 0.06)
    sig = rng.random(n) < 0.2
    # A forwarded original carries the colleague's text, not the requester's sign-off.
    sig = sig & mailish & is_staff & ~fwd
    sign_name = sign_name & ~fwd
    closer_txt = _where(sign_name, closer + "\n" + x.first_name, closer)
    sig_txt = "\n\n" + x.full_name + "\n" + x.team + "\nGemeente Lindevoorde\n" + x.phone

    desc = body
    desc = _where(has_open, opener + "\n" + desc, desc)
    desc = _where(has_op_note & phone, op_phone + " " + desc, desc)
    desc = _where(has_op_note & desk, op_desk + " " + desc, desc)
    desc = _where(has_close, desc + "\n\n" + closer_txt, desc)
    desc = _where(sig, desc + sig_txt, desc)

    # Forwarded mail: the requester forwards a colleague's mail, header above the original text.
    fwd_note = _pick(
        rng,
        [
            "Zie hieronder.",
            "Ter info, kunnen jullie helpen?",
            "FYI",
            "Kunnen jullie dit bekijken?",
            "",
        ],
        n,
    )
    back = rng.integers(5, 60 * 26, n).astype("timedelta64[m]")
    f = np.flatnonzero(fwd)
    if len(f):
        sent = x.opened[f].astype("datetime64[m]") - back[f]
        sent_min = (sent - sent.astype("datetime64[D]")).astype(np.int64)
        mm = np.array([f"{i:02d}" for i in range(60)], dtype=object)
        sent_txt = (
            _day_strings(sent)
            + " "
            + (sent_min // 60).astype(str).astype(object)
            + ":"
            + mm[sent_min % 60]
        )
        header = (
            "-----Oorspronkelijk bericht-----\nVan: "
            + x.colleague[f]
            + " <"
            + x.colleague_email[f]
            + ">\nVerzonden: "
            + sent_txt
            + "\nAan: ICT Helpdesk\nOnderwerp: "
            + title[f]
            + "\n\n"
        )
        desc[f] = fwd_note[f] + "\n\n" + header + desc[f]
    title = _where(fwd, "FW: " + title, title)

    empty = rng.random(n) < 0.05
    desc = _where(empty, "", desc)
    title = np.array([t[:80] for t in title], dtype=object) if n else title
    info = {
        "vague": vague,
        "empty": empty,
        "rrn": rrn_m & ~empty,
        "iban": iban_m & ~empty,
        "colleague": col_m & ~empty,
        "forwarded": fwd & ~empty,
        "signature": sig & ~empty,
    }
    return title, desc, info


def _cap_array(values: np.ndarray) -> np.ndarray:
    uniq = {v: _cap(v) for v in dict.fromkeys(values.tolist())}
    return np.array([uniq[v] for v in values], dtype=object)
